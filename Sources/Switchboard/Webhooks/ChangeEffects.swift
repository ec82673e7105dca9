import Fluent
import Foundation
import WhatsAppCloud

/// The effects of one change for one owning account.
struct ChangeEffects {
    var owner: InboundRouting.Candidate
    var receivedAt: Date
    var requestID: String?
    var db: Database

    struct Result { var messages = 0; var statuses = 0; var accountChanged = false }

    func apply(_ change: Change, entryTime: Int64?) async throws -> Result {
        var result = Result()
        switch change.value {
        case .messages(let value):
            for message in value.messages where try await storeInbound(message, in: value) { result.messages += 1 }
            for status in value.statuses where try await storeStatus(status) { result.statuses += 1 }
        case .accountUpdate(let update):
            result.accountChanged = try await applyAccountUpdate(update, raw: change.rawValue)
        case .phoneNumberQualityUpdate, .templateStatusUpdate, .templateQualityUpdate, .templateCategoryUpdate,
             .templateComponentsUpdate:
            try await audit("meta.\(change.field)", after: MetaEvent(field: change.field, value: change.rawValue))
        case .messageEchoes, .calls, .userPreferences, .groups, .unknown:
            // Kept in the stored delivery; nothing acts on these yet.
            break
        }
        return result
    }

    // MARK: Inbound messages

    /// Stores an inbound message with its contact and conversation; false when the wamid is already stored
    /// (a retried delivery), in which case nothing changes.
    private func storeInbound(_ inbound: InboundMessage, in value: MessagesValue) async throws -> Bool {
        let existing = try await Message.query(on: db)
            .filter(\.$accountID == owner.accountID).filter(\.$wamid == inbound.id).first()
        guard existing == nil else { return false }
        let waID = inbound.from
        let userID = value.userID(of: inbound)
        guard waID != nil || userID != nil else { return false }
        let contact = try await Threads.contact(workspaceID: owner.workspaceID, waID: waID, userID: userID,
                                                profileName: Self.profileName(of: inbound, waID: waID, userID: userID, in: value),
                                                at: receivedAt, on: db)
        let sentAt = ServiceWindow.time(inbound.timestamp, fallback: receivedAt)
        let conversation = try await touchConversation(contactID: try contact.requireID(), inboundAt: sentAt)
        let message = Message(inbound, owner: owner, conversationID: try conversation.requireID(), contactID: try contact.requireID(),
                              sentAt: sentAt, receivedAt: receivedAt)
        try await message.create(on: db)
        try await WorkspaceEvents.record(.messageReceived, workspaceID: owner.workspaceID,
                                         data: try MessageReceivedEventData(owner: owner, message: message, contact: try ContactDTO(contact)),
                                         at: receivedAt, on: db)
        return true
    }

    /// The sender's profile name: from the contact entry with its number or user id, or the only one there is.
    static func profileName(of inbound: InboundMessage, waID: String?, userID: String?, in value: MessagesValue) -> String? {
        let profile = value.contacts.first { ($0.waID != nil && $0.waID == waID) || ($0.userID != nil && $0.userID == userID) }
            ?? (value.contacts.count == 1 ? value.contacts.first : nil)
        return profile?.profile?.name
    }

    /// The conversation with `contactID` on this account, one more unread and the window reopened; its status stays.
    private func touchConversation(contactID: UUID, inboundAt time: Date) async throws -> Conversation {
        let conversation = try await Threads.conversation(workspaceID: owner.workspaceID, accountID: owner.accountID,
                                                          contactID: contactID, at: receivedAt, on: db)
        conversation.lastMessageAt = conversation.id == nil ? time : max(conversation.lastMessageAt, time)
        conversation.unreadCount += 1
        conversation.windowExpiresAt = ServiceWindow.expiry(current: conversation.windowExpiresAt, inboundAt: time)
        conversation.updatedAt = receivedAt
        try await conversation.save(on: db)
        return conversation
    }

    // MARK: Statuses

    /// Records a status in the history and moves the message forward; false for a (wamid, status) already seen.
    private func storeStatus(_ status: Status) async throws -> Bool {
        let seen = try await MessageStatusEvent.query(on: db)
            .filter(\.$accountID == owner.accountID).filter(\.$wamid == status.id)
            .filter(\.$status == status.status.rawValue).count()
        guard seen == 0 else { return false }
        let message = try await outboundMessage(for: status)
        let occurredAt = ServiceWindow.time(status.timestamp, fallback: receivedAt)

        let event = MessageStatusEvent()
        event.workspaceID = owner.workspaceID
        event.accountID = owner.accountID
        event.messageID = message?.id
        event.wamid = status.id
        event.status = status.status.rawValue
        event.occurredAt = occurredAt
        event.errorCode = status.errors.first?.code
        event.raw = InboundProcessor.json(status.raw)
        event.receivedAt = receivedAt
        try await event.create(on: db)

        if let message { try await MessageStatusApplier.apply(status, to: message, occurredAt: occurredAt, at: receivedAt, on: db) }
        return true
    }

    /// The message a status is about: by wamid, or, when the dispatcher has not stored the wamid yet (Meta's
    /// webhook can beat our commit, or we crashed after Meta accepted), by the callback data we sent, which is
    /// our message id; the wamid is then stored here.
    private func outboundMessage(for status: Status) async throws -> Message? {
        if let message = try await Message.query(on: db).filter(\.$accountID == owner.accountID).filter(\.$wamid == status.id).first() {
            return message
        }
        guard let callback = status.bizOpaqueCallbackData, let id = UUID(uuidString: callback) else { return nil }
        // Whoever stores the wamid first (this, a concurrent webhook or the dispatcher), the message is then linked.
        _ = try await MessageTransitions.setWamid(id, wamid: status.id, accountID: owner.accountID, on: db)
        guard let message = try await Message.find(id, on: db), message.accountID == owner.accountID, message.wamid == status.id else { return nil }
        return message
    }

    // MARK: Account, number and template events

    /// Meta events that mean the number can no longer send through this app: the account goes `disconnected`.
    static func disconnects(_ update: AccountUpdate) -> Bool {
        switch update.event {
        case "ACCOUNT_DELETED", "ACCOUNT_OFFBOARDED", "PARTNER_REMOVED", "PARTNER_APP_UNINSTALLED": true
        case "DISABLED_UPDATE": update.banState == "DISABLE"
        default: false
        }
    }

    /// Audits the event; returns true when it disconnected the account.
    private func applyAccountUpdate(_ update: AccountUpdate, raw: JSONValue) async throws -> Bool {
        try await audit("meta.account_update", after: MetaEvent(field: "account_update", value: raw))
        guard Self.disconnects(update) else { return false }
        return try await AccountHealth.change(owner.accountID, to: .disconnected, reason: update.event, actor: InboundProcessor.actor,
                                              requestID: requestID, at: receivedAt, on: db)
    }

    private var context: AuditContext {
        AuditContext(actor: InboundProcessor.actor, workspaceID: owner.workspaceID, requestID: requestID)
    }

    private func audit(_ action: String, after: MetaEvent) async throws {
        try await AuditLog.record(action, target: ("whatsapp_account", owner.accountID.uuidString), after: after,
                                  context: context, at: receivedAt, on: db)
    }
}

/// What `message.received` events carry.
struct MessageReceivedEventData: Encodable {
    var accountId: UUID
    var message: MessageDTO
    var contact: ContactDTO

    init(owner: InboundRouting.Candidate, message: Message, contact: ContactDTO) throws {
        accountId = owner.accountID
        self.message = try MessageDTO(message)
        self.contact = contact
    }
}

extension Message {
    /// An inbound message as received, in its conversation; not saved yet.
    convenience init(_ inbound: InboundMessage, owner: InboundRouting.Candidate, conversationID: UUID, contactID: UUID,
                     sentAt: Date, receivedAt: Date) {
        self.init()
        workspaceID = owner.workspaceID
        accountID = owner.accountID
        self.conversationID = conversationID
        self.contactID = contactID
        direction = .inbound
        wamid = inbound.id
        type = inbound.type
        content = InboundProcessor.json(inbound.raw)
        status = .received
        replyToWamid = inbound.context?.id
        createdAt = sentAt
        updatedAt = receivedAt
        statusAt = sentAt
        if let error = inbound.errors.first {
            errorCode = error.code
            errorTitle = error.title
            errorDetail = error.details ?? error.message
        }
    }
}

struct MetaEvent: Encodable {
    var field: String
    var value: JSONValue
}

struct AccountStatusChange: Encodable {
    var status: String
    var reason: String?
}
