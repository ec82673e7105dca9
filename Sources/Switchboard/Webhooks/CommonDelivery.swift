import Foundation
import WhatsAppCloud

/// The usual delivery: inbound messages only, each change owned by exactly one verified account, every sender known
/// by phone number alone. A batch of them is stored with a few set-based statements (`CommonDeliveryStore`); any
/// other delivery is stored statement by statement (`VerifiedDelivery.store`).
struct CommonDelivery: Sendable {
    /// One inbound message, with what storing it needs.
    struct Inbound: Sendable {
        var owner: InboundRouting.Candidate
        var message: InboundMessage
        var waID: String
        var profileName: String?
        var sentAt: Date
        var receivedAt: Date

        var key: CommonBatch.MessageKey { .init(accountID: owner.accountID, wamid: message.id) }
        var contactKey: CommonBatch.ContactKey { .init(workspaceID: owner.workspaceID, waID: waID) }
    }

    var delivery: VerifiedDelivery
    var messages: [Inbound]

    /// The delivery as a common one; nil when it is of another kind.
    init?(_ delivery: VerifiedDelivery) {
        guard let payload = delivery.payload else { return nil }
        var messages: [Inbound] = []
        for entry in payload.entry {
            for change in entry.changes {
                guard case .messages(let value) = change.value, value.statuses.isEmpty else { return nil }
                let owners = InboundRouting.owners(phoneNumberID: InboundRouting.phoneNumberID(of: change), entryID: entry.id,
                                                   verified: delivery.verified)
                guard owners.count == 1, let owner = owners.first else { return nil }
                for message in value.messages {
                    guard let waID = message.from, value.userID(of: message) == nil else { return nil }
                    messages.append(Inbound(owner: owner, message: message, waID: waID,
                                            profileName: ChangeEffects.profileName(of: message, waID: waID, userID: nil, in: value),
                                            sentAt: ServiceWindow.time(message.timestamp, fallback: delivery.receivedAt),
                                            receivedAt: delivery.receivedAt))
                }
            }
        }
        self.delivery = delivery
        self.messages = messages
    }
}

/// What a batch of common deliveries does to messages, contacts and conversations, worked out in memory message by
/// message in batch order, as storing the deliveries one after another would.
enum CommonBatch {
    struct MessageKey: Hashable {
        var accountID: UUID
        var wamid: String
    }

    struct ContactKey: Hashable {
        var workspaceID: UUID
        var waID: String
    }

    struct ThreadKey: Hashable {
        var workspaceID: UUID
        var accountID: UUID
        var contactID: UUID
    }

    /// A message to store, and the index in the batch of the delivery it came in.
    struct Fresh {
        var delivery: Int
        var inbound: CommonDelivery.Inbound
    }

    /// The messages to store: those neither stored already nor earlier in the batch (Meta retries a delivery it
    /// thinks lost, and the retry may arrive while the first is still waiting to be stored).
    static func fresh(_ batch: [[CommonDelivery.Inbound]], stored: Set<MessageKey>) -> [Fresh] {
        var seen = stored
        var fresh: [Fresh] = []
        for (index, messages) in batch.enumerated() {
            for inbound in messages where seen.insert(inbound.key).inserted {
                fresh.append(Fresh(delivery: index, inbound: inbound))
            }
        }
        return fresh
    }

    /// The contacts after the batch.
    struct Contacts {
        /// Every sender's contact as it ends.
        var byKey: [ContactKey: Contact]
        /// Each fresh message's contact as it was right after that message, for its event.
        var asSeen: [ContactDTO]
        /// Contacts to create, in key order.
        var created: [Contact]
        /// Known contacts whose profile name changed, in key order.
        var renamed: [Contact]
    }

    /// Folds the fresh messages into the `known` contacts (which it changes): a sender not known yet becomes a new
    /// contact, and a non-empty profile name different from the stored one replaces it.
    static func contacts(for fresh: [Fresh], known: [ContactKey: Contact]) throws -> Contacts {
        var byKey = known
        var created = Set<ContactKey>(), renamed = Set<ContactKey>()
        var asSeen: [ContactDTO] = []
        for item in fresh {
            let inbound = item.inbound, key = inbound.contactKey
            if let contact = byKey[key] {
                if let name = inbound.profileName, !name.isEmpty, contact.profileName != name {
                    contact.profileName = name
                    contact.refreshDerivedFields()
                    contact.updatedAt = inbound.receivedAt
                    if !created.contains(key) { renamed.insert(key) }
                }
                asSeen.append(try ContactDTO(contact))
            } else {
                let contact = Contact()
                contact.id = UUID()
                contact.workspaceID = key.workspaceID
                contact.waID = key.waID
                contact.profileName = inbound.profileName
                contact.createdAt = inbound.receivedAt
                contact.updatedAt = inbound.receivedAt
                contact.refreshDerivedFields()
                byKey[key] = contact
                created.insert(key)
                asSeen.append(try ContactDTO(contact))
            }
        }
        return Contacts(byKey: byKey, asSeen: asSeen, created: sorted(created, in: byKey), renamed: sorted(renamed, in: byKey))
    }

    /// The same order in every process, so that concurrent batches on PostgreSQL lock rows in the same order and
    /// cannot deadlock.
    private static func sorted(_ keys: Set<ContactKey>, in contacts: [ContactKey: Contact]) -> [Contact] {
        keys.sorted { ($0.workspaceID, $0.waID) < ($1.workspaceID, $1.waID) }.compactMap { contacts[$0] }
    }

    /// What the batch does to each conversation it touches, as the row of a new conversation. Storing it into an
    /// existing one adds the unread count and moves the last message time and window end forward only.
    static func conversations(for fresh: [Fresh], contacts: [ContactKey: Contact]) -> [Conversation] {
        var byKey: [ThreadKey: Conversation] = [:]
        for item in fresh {
            let inbound = item.inbound
            guard let contactID = contacts[inbound.contactKey]?.id else { preconditionFailure("every sender has a contact after contacts(for:known:)") }
            let key = ThreadKey(workspaceID: inbound.owner.workspaceID, accountID: inbound.owner.accountID, contactID: contactID)
            let conversation: Conversation
            if let existing = byKey[key] {
                conversation = existing
                conversation.lastMessageAt = max(conversation.lastMessageAt, inbound.sentAt)
            } else {
                conversation = Conversation()
                conversation.id = UUID()
                conversation.workspaceID = key.workspaceID
                conversation.accountID = key.accountID
                conversation.contactID = key.contactID
                conversation.status = .open
                conversation.lastMessageAt = inbound.sentAt
                conversation.unreadCount = 0
                conversation.createdAt = inbound.receivedAt
                byKey[key] = conversation
            }
            conversation.unreadCount += 1
            conversation.windowExpiresAt = ServiceWindow.expiry(current: conversation.windowExpiresAt, inboundAt: inbound.sentAt)
            conversation.updatedAt = inbound.receivedAt
        }
        return byKey.sorted { ($0.key.workspaceID, $0.key.accountID, $0.key.contactID) < ($1.key.workspaceID, $1.key.accountID, $1.key.contactID) }
            .map(\.value)
    }
}
