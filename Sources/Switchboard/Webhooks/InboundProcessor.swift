import Fluent
import Foundation
import Logging
import WhatsAppCloud

/// What happened to one delivery, for the response and for tests.
struct InboundOutcome: Sendable, Equatable {
    var deliveryID: UUID
    var parsed: Bool
    var messagesStored: Int
    var statusesStored: Int
    var unrouted: Int
}

/// Meta webhook deliveries: verify the signature over the raw bytes, then store the delivery and all its
/// effects in one transaction. Nothing is written unless the signature verifies.
struct InboundProcessor: Sendable {
    var secrets: SecretStore
    var clock: Clock
    var decisions: DecisionCache
    var logger: Logger

    static let actor = Principal.Actor.system("meta-webhook")
    static let maxNames = 500

    /// Every unique index a racing delivery may hit; the transaction is then run again and sees the other's rows.
    static let raceIndexes: [UniqueIndex] = [
        UniqueIndex(name: MessageIndex.wamid, sqliteColumns: "messages.account_id, messages.wamid"),
        UniqueIndex(name: ContactIndex.waID, sqliteColumns: "contacts.workspace_id, contacts.wa_id"),
        UniqueIndex(name: ContactIndex.userID, sqliteColumns: "contacts.workspace_id, contacts.user_id"),
        UniqueIndex(name: ConversationIndex.thread,
                    sqliteColumns: "conversations.workspace_id, conversations.account_id, conversations.contact_id"),
        UniqueIndex(name: StatusEventIndex.once,
                    sqliteColumns: "message_status_events.account_id, message_status_events.wamid, message_status_events.status"),
    ]

    func receive(body: Data, signature: String?, requestID: String?, db: Database, writer: Transactor) async throws -> InboundOutcome {
        guard let signature, !signature.isEmpty else {
            throw Problem(.unauthorized, type: "signature_missing", detail: "The X-Hub-Signature-256 header is required.")
        }
        let names = InboundRouting.names(in: body)
        // A real delivery names a handful of numbers; thousands would only make the account lookup huge.
        guard names.phoneNumberIDs.count + names.entryIDs.count <= Self.maxNames else {
            throw Problem(.unprocessableEntity, type: "too_many_numbers",
                          detail: "A delivery may name at most \(Self.maxNames) phone number and business account ids.")
        }
        let candidates = try await candidates(for: names, on: db)
        guard case .verified(let verifiedIDs) = InboundRouting.verify(body: body, header: signature, candidates: candidates) else {
            throw Problem(.forbidden, type: "signature_invalid",
                          detail: "X-Hub-Signature-256 does not match the app secret of any account this delivery names.")
        }
        let verified = candidates.filter { verifiedIDs.contains($0.accountID) }

        var payload: WebhookPayload?
        var parseError: String?
        do {
            payload = try JSONDecoder().decode(WebhookPayload.self, from: body)
        } catch {
            parseError = String(describing: error).prefix(2000).description
        }
        let receivedAt = clock.now()
        let bodyText = String(decoding: body, as: UTF8.self)
        let payloadCopy = payload
        let parseErrorCopy = parseError

        var attempt = 0
        while true {
            attempt += 1
            do {
                let (outcome, changedWorkspaces) = try await writer { db in
                    try await Self.store(bodyText: bodyText, payload: payloadCopy, parseError: parseErrorCopy, verified: verified,
                                         receivedAt: receivedAt, requestID: requestID, on: db)
                }
                for workspace in changedWorkspaces { await decisions.invalidate(workspaceID: workspace, platform: true) }
                return outcome
            } catch where attempt < 3 && UniqueViolation.index(of: error, among: Self.raceIndexes) != nil {
                logger.debug("webhook delivery raced another; storing again", metadata: ["attempt": "\(attempt)"])
            }
        }
    }

    /// Accounts that own a number or business account the delivery names and have an app secret, with it revealed.
    private func candidates(for names: InboundRouting.Names, on db: Database) async throws -> [InboundRouting.Candidate] {
        guard !names.phoneNumberIDs.isEmpty || !names.entryIDs.isEmpty else { return [] }
        let accounts = try await WhatsAppAccount.query(on: db)
            .group(.or) { or in
                if !names.phoneNumberIDs.isEmpty { or.filter(\.$phoneNumberID ~~ Array(names.phoneNumberIDs)) }
                if !names.entryIDs.isEmpty { or.filter(\.$businessAccountID ~~ Array(names.entryIDs)) }
            }
            .filter(\.$appSecretSecretID != nil)
            .all()
        let secretIDs = accounts.compactMap(\.appSecretSecretID)
        guard !secretIDs.isEmpty else { return [] }
        let stored = try await StoredSecret.query(on: db).filter(\.$id ~~ secretIDs).all()
        let byID = Dictionary(uniqueKeysWithValues: stored.compactMap { secret in secret.id.map { ($0, secret) } })
        return try accounts.compactMap { account in
            guard let secretID = account.appSecretSecretID, let secret = byID[secretID] else { return nil }
            return InboundRouting.Candidate(accountID: try account.requireID(), workspaceID: account.workspaceID,
                                            phoneNumberID: account.phoneNumberID, businessAccountID: account.businessAccountID,
                                            appSecret: try secrets.reveal(secret))
        }
    }

    // MARK: - The transaction

    private static func store(bodyText: String, payload: WebhookPayload?, parseError: String?, verified: [InboundRouting.Candidate],
                              receivedAt: Date, requestID: String?, on db: Database) async throws -> (InboundOutcome, Set<UUID>) {
        let delivery = WebhookDelivery()
        delivery.id = UUID()
        delivery.receivedAt = receivedAt
        delivery.signatureStatus = "valid"
        delivery.body = bodyText
        delivery.parseError = parseError
        delivery.changeCount = payload?.entry.reduce(0) { $0 + $1.changes.count } ?? 0
        try await delivery.create(on: db)
        let deliveryID = try delivery.requireID()

        var outcome = InboundOutcome(deliveryID: deliveryID, parsed: payload != nil, messagesStored: 0, statusesStored: 0, unrouted: 0)
        var changedWorkspaces = Set<UUID>()
        for entry in payload?.entry ?? [] {
            for change in entry.changes {
                let phoneNumberID = InboundRouting.phoneNumberID(of: change)
                let owners = InboundRouting.owners(phoneNumberID: phoneNumberID, entryID: entry.id, verified: verified)
                if owners.isEmpty {
                    let unrouted = UnroutedChange()
                    unrouted.deliveryID = deliveryID
                    unrouted.phoneNumberID = phoneNumberID
                    unrouted.businessAccountID = entry.id
                    unrouted.field = change.field
                    unrouted.raw = json(change.rawValue)
                    unrouted.receivedAt = receivedAt
                    try await unrouted.create(on: db)
                    outcome.unrouted += 1
                    continue
                }
                for owner in owners {
                    let effects = ChangeEffects(owner: owner, receivedAt: receivedAt, requestID: requestID, db: db)
                    let result = try await effects.apply(change, entryTime: entry.time)
                    outcome.messagesStored += result.messages
                    outcome.statusesStored += result.statuses
                    if result.accountChanged { changedWorkspaces.insert(owner.workspaceID) }
                }
            }
        }
        return (outcome, changedWorkspaces)
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}

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
        let profile = value.contacts.first { ($0.waID != nil && $0.waID == waID) || ($0.userID != nil && $0.userID == userID) }
            ?? (value.contacts.count == 1 ? value.contacts.first : nil)
        let contact = try await Threads.contact(workspaceID: owner.workspaceID, waID: waID, userID: userID,
                                                profileName: profile?.profile?.name, at: receivedAt, on: db)
        let sentAt = ServiceWindow.time(inbound.timestamp, fallback: receivedAt)
        let conversation = try await touchConversation(contactID: try contact.requireID(), inboundAt: sentAt)

        let message = Message()
        message.workspaceID = owner.workspaceID
        message.accountID = owner.accountID
        message.conversationID = try conversation.requireID()
        message.contactID = try contact.requireID()
        message.direction = .inbound
        message.wamid = inbound.id
        message.type = inbound.type
        message.content = InboundProcessor.json(inbound.raw)
        message.status = .received
        message.replyToWamid = inbound.context?.id
        message.createdAt = sentAt
        message.updatedAt = receivedAt
        message.statusAt = sentAt
        if let error = inbound.errors.first {
            message.errorCode = error.code
            message.errorTitle = error.title
            message.errorDetail = error.details ?? error.message
        }
        try await message.create(on: db)
        try await WorkspaceEvents.record(.messageReceived, workspaceID: owner.workspaceID,
                                         data: MessageReceivedEventData(accountId: owner.accountID, message: try MessageDTO(message),
                                                                        contact: try ContactDTO(contact)),
                                         at: receivedAt, on: db)
        return true
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
}

struct MetaEvent: Encodable {
    var field: String
    var value: JSONValue
}

struct AccountStatusChange: Encodable {
    var status: String
    var reason: String?
}
