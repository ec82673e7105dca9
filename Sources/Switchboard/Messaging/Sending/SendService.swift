import Fluent
import Foundation
import SQLKit
import Vapor
import WhatsAppCloud

/// Accepting a send: check it, choose the account, and write the message, its history and its outbox row in
/// one transaction. After the 202, only a dispatcher touches it.
struct SendService: Sendable {
    let clock: Clock
    let resolution: ResolutionService

    static let raceIndexes: [UniqueIndex] = [
        UniqueIndex(name: IdempotencyIndex.key, sqliteColumns: "idempotency_keys.workspace_id, idempotency_keys.key"),
        UniqueIndex(name: PacingIndex.pair, sqliteColumns: "pair_pacing.account_id, pair_pacing.recipient"),
        UniqueIndex(name: ContactIndex.waID, sqliteColumns: "contacts.workspace_id, contacts.wa_id"),
        UniqueIndex(name: ContactIndex.userID, sqliteColumns: "contacts.workspace_id, contacts.user_id"),
        UniqueIndex(name: ConversationIndex.thread,
                    sqliteColumns: "conversations.workspace_id, conversations.account_id, conversations.contact_id"),
    ]

    /// An `Idempotency-Key` with the hash of the body it came with.
    struct Idempotency: Sendable {
        var key: String
        var requestHash: String

        /// Checks the key (1 to 255 visible ASCII characters, else 400) and hashes the body as canonical JSON
        /// (sorted keys, no spacing): a retry that serialises the same object differently is the same request.
        init(key: String, body: Data) throws(Problem) {
            guard (1...255).contains(key.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) else {
                throw Problem(.badRequest, type: "invalid_idempotency_key", detail: "Idempotency-Key must be 1 to 255 visible ASCII characters.")
            }
            self.key = key
            let canonical = (try? JSONDecoder().decode(JSONValue.self, from: body)).map(InboundProcessor.json)
            requestHash = sha256Hex(canonical ?? String(decoding: body, as: UTF8.self))
        }
    }

    /// Answers the message and whether it was created now (false: the idempotency key's earlier answer).
    func accept(_ input: SendMessageInput, idempotency: Idempotency?, context: AuditContext, db: Database,
                writer: Transactor) async throws -> (message: MessageDetailDTO, created: Bool) {
        let workspaceID = context.workspaceID
        if let idempotency, let earlier = try await Self.earlier(idempotency, workspaceID: workspaceID, on: db) {
            return (earlier, false)
        }
        var input = input
        var replyAccountID: UUID?
        if let replyTo = input.replyTo {
            guard let replied = try await Message.query(on: db).filter(\.$id == replyTo).filter(\.$workspaceID == workspaceID).first() else {
                throw Problem.validation([FieldError("replyTo", "no such message in this workspace")])
            }
            guard let wamid = replied.wamid else {
                throw Problem.validation([FieldError("replyTo", "that message has no WhatsApp id yet (it has not been sent)")])
            }
            input.message.context = .init(messageID: wamid)
            replyAccountID = replied.accountID
        }
        var conversationAccountID = replyAccountID
        // Without a reply, an explicit account or agent, a message to someone we already talk to continues there.
        if conversationAccountID == nil && input.accountID == nil && input.agentID == nil {
            conversationAccountID = try await latestConversationAccount(of: input.recipient, workspaceID: workspaceID, on: db)
        }
        let decision = try await resolution.decide(
            ResolutionRequest(workspaceID: workspaceID, conversationAccountID: conversationAccountID,
                              accountID: input.accountID, agentID: input.agentID), on: db)
        guard let account = decision.account else {
            throw Problem(.unprocessableEntity, type: "no_usable_account", title: "No account can send this",
                          detail: "No account of this workspace can send now.",
                          errors: decision.steps.filter { $0.outcome != .notApplicable }.map { FieldError($0.step.rawValue, $0.reason) })
        }
        guard account.provider == .cloudAPI || account.provider == .sandbox else {
            throw Problem(.unprocessableEntity, type: "provider_not_supported",
                          detail: "\(account.name) is a \(account.provider.rawValue) account; sending through the API needs a Cloud API or sandbox account.")
        }
        let storedDecision = try WorkspaceEvents.encode(StoredDecision(step: decision.takenStep, steps: decision.steps))
        let content = InboundProcessor.json(input.message)
        let now = clock.now()
        let accepted = input

        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await writer { db in
                    if let idempotency, let earlier = try await Self.earlier(idempotency, workspaceID: workspaceID, on: db) {
                        return (earlier, false)
                    }
                    let created = try await Self.store(accepted, account: account, decision: storedDecision, content: content,
                                                       idempotency: idempotency, context: context, at: now, on: db)
                    return (created, true)
                }
            } catch where attempt < 3 && UniqueViolation.index(of: error, among: Self.raceIndexes) != nil {
                continue
            }
        }
    }

    private static func store(_ input: SendMessageInput, account: AccountCandidate, decision: String, content: String,
                              idempotency: Idempotency?, context: AuditContext, at now: Date, on db: Database) async throws -> MessageDetailDTO {
        let workspaceID = context.workspaceID
        var waID: String?
        var userID: String?
        switch input.recipient {
        case .phone(let digits): waID = digits
        case .userID(let id): userID = id
        }
        let contact = try await Threads.contact(workspaceID: workspaceID, waID: waID, userID: userID, profileName: nil, at: now, on: db)
        let conversation = try await Threads.conversation(workspaceID: workspaceID, accountID: account.id,
                                                          contactID: try contact.requireID(), at: now, on: db)
        if conversation.status == .blocked {
            throw Problem(.unprocessableEntity, type: "conversation_blocked", detail: "The conversation with this contact is blocked; unblock it to send.")
        }
        if !input.message.content.isTemplate && !ServiceWindow.isOpen(expiresAt: conversation.windowExpiresAt, now: now) {
            throw Problem(.unprocessableEntity, type: "window_closed", title: "The 24-hour window is closed",
                          detail: "The contact has not written to \(account.name) in the last 24 hours, so WhatsApp only allows a template message. Send `type: template`.")
        }
        conversation.lastMessageAt = max(conversation.lastMessageAt, now)
        conversation.updatedAt = now
        try await conversation.save(on: db)

        let message = Message()
        message.id = UUID()
        message.workspaceID = workspaceID
        message.accountID = account.id
        message.conversationID = try conversation.requireID()
        message.contactID = try contact.requireID()
        message.direction = .outbound
        message.type = input.message.content.type
        message.content = content
        message.status = .queued
        message.replyToWamid = input.message.context?.messageID
        message.decision = decision
        message.createdBy = context.actor.label
        message.createdAt = now
        message.updatedAt = now
        message.statusAt = now
        try await message.create(on: db)
        let messageID = try message.requireID()
        let history = MessageHistory(messageID: messageID, status: MessageStatus.queued.rawValue, at: now, detail: "via \(account.name)")
        try await history.create(on: db)

        let outbox = OutboxItem()
        outbox.messageID = messageID
        outbox.workspaceID = workspaceID
        outbox.accountID = account.id
        outbox.availableAt = try await reservePairSlot(accountID: account.id, recipient: input.recipient.key, now: now, on: db)
        outbox.attempts = 0
        outbox.createdAt = now
        try await outbox.create(on: db)

        if let idempotency {
            let key = IdempotencyKey()
            key.workspaceID = workspaceID
            key.key = idempotency.key
            key.requestHash = idempotency.requestHash
            key.messageID = messageID
            key.createdAt = now
            try await key.create(on: db)
        }
        return try MessageDetailDTO(message, contact: contact, history: [history])
    }

    /// The earliest time the pair rate allows a message to this recipient, and the pair's state moved on.
    private static func reservePairSlot(accountID: UUID, recipient: String, now: Date, on db: Database) async throws -> Date {
        let lock: SQLQueryString = db.isPostgres ? " FOR UPDATE" : ""
        let row = try await db.sql.raw("""
            SELECT id, theoretical_arrival FROM pair_pacing WHERE account_id = \(bind: accountID) AND recipient = \(bind: recipient)\(lock)
            """).first()
        let current = try row?.decode(column: "theoretical_arrival", as: Double.self)
        let slot = SendPacing.pairSlot(theoreticalArrival: current, now: now.timeIntervalSince1970)
        if let row {
            let id = try row.decode(column: "id", as: UUID.self)
            try await db.sql.update("pair_pacing").set("theoretical_arrival", to: slot.theoreticalArrival).where("id", .equal, id).run()
        } else {
            try await db.sql.insert(into: "pair_pacing").columns("id", "account_id", "recipient", "theoretical_arrival")
                .values(SQLBind(UUID()), SQLBind(accountID), SQLBind(recipient), SQLBind(slot.theoreticalArrival)).run()
        }
        return Date(timeIntervalSince1970: slot.sendAt)
    }

    /// The account of the conversation this recipient most recently had in the workspace: a message to someone
    /// we already talk to continues that thread.
    private func latestConversationAccount(of recipient: SendMessageInput.Recipient, workspaceID: UUID, on db: Database) async throws -> UUID? {
        let contacts = Contact.query(on: db).filter(\.$workspaceID == workspaceID)
        let contact: Contact? = switch recipient {
        case .phone(let digits): try await contacts.filter(\.$waID == digits).first()
        case .userID(let id): try await contacts.filter(\.$userID == id).first()
        }
        guard let contactID = contact?.id else { return nil }
        return try await Conversation.query(on: db).filter(\.$workspaceID == workspaceID).filter(\.$contactID == contactID)
            .sort(\.$lastMessageAt, .descending).first()?.accountID
    }

    private static func earlier(_ idempotency: Idempotency, workspaceID: UUID, on db: Database) async throws -> MessageDetailDTO? {
        guard let row = try await IdempotencyKey.query(on: db).filter(\.$workspaceID == workspaceID)
            .filter(\.$key == idempotency.key).first() else { return nil }
        guard row.requestHash == idempotency.requestHash else {
            throw Problem(.conflict, type: "idempotency_conflict", title: "Conflict",
                          detail: "This Idempotency-Key was used with another body; use a new key for a new message.")
        }
        return try await MessageQueries.detail(row.messageID, workspaceID: workspaceID, on: db)
    }
}

extension OutgoingMessage.Content {
    var isTemplate: Bool {
        if case .template = self { return true }
        return false
    }
}

/// Reading outbound messages back.
enum MessageQueries {
    static func detail(_ id: UUID, workspaceID: UUID, on db: Database) async throws -> MessageDetailDTO {
        guard let message = try await Message.query(on: db).filter(\.$id == id).filter(\.$workspaceID == workspaceID).first(),
              let contact = try await Contact.find(message.contactID, on: db) else {
            throw Problem.notFound("The message")
        }
        let history = try await MessageHistory.query(on: db).filter(\.$messageID == id).sort(\.$occurredAt).all()
        return try MessageDetailDTO(message, contact: contact, history: lifeOrder(history))
    }

    /// The history in the order of the message's life: the steps before the provider accepted it by time, then
    /// Meta's statuses by rank. Meta's timestamps are whole seconds and its webhooks can beat our own record
    /// of the acceptance, so time alone would put `delivered` before `sent`.
    static func lifeOrder(_ history: [MessageHistory]) -> [MessageHistory] {
        func phase(_ step: MessageHistory) -> Int {
            guard let status = MessageStatus(rawValue: step.status), let rank = StatusOrder.rank(status),
                  rank >= StatusOrder.rank(.sent)! else { return 0 }
            return rank
        }
        return history.enumerated().sorted { (phase($0.element), $0.offset) < (phase($1.element), $1.offset) }.map(\.element)
    }
}
