import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor
import VaporTesting
import WhatsAppCloud

/// A Cloud API account with a known app secret, for signing webhook deliveries.
struct HookAccount {
    var id: UUID
    var workspaceID: UUID
    var phoneNumberID: String
    var wabaID: String
    var appSecret: String
    var verifyToken: String
}

enum Hooks {
    static func account(_ app: Application, workspace: UUID, phoneNumberID: String = Seed.phoneNumberID(),
                        wabaID: String = Seed.phoneNumberID(), appSecret: String = "app-secret-\(UUID().uuidString.prefix(8))",
                        name: String = "Cloud \(UUID().uuidString.prefix(6))") async throws -> HookAccount {
        let dto = try await Seed.accounts(app).create(
            CreateAccountInput(name: name, provider: .cloudAPI, phoneNumberId: phoneNumberID, businessAccountId: wabaID,
                               accessToken: "EAAG-test-access-token-\(UUID().uuidString)", appSecret: appSecret),
            context: AuditContext(actor: .system("test"), workspaceID: workspace, requestID: nil), writer: app.transactor)
        return HookAccount(id: dto.id, workspaceID: workspace, phoneNumberID: phoneNumberID, wabaID: wabaID,
                           appSecret: appSecret, verifyToken: dto.verifyToken)
    }

    /// `{"object":"whatsapp_business_account","entry":[...]}` with one `messages` change per (waba, value).
    static func envelope(_ changes: [(waba: String, field: String, value: [String: Any])]) -> Data {
        let entries: [[String: Any]] = changes.map { change in
            ["id": change.waba, "changes": [["field": change.field, "value": change.value]]]
        }
        return try! JSONSerialization.data(withJSONObject: ["object": "whatsapp_business_account", "entry": entries],
                                           options: [.sortedKeys])
    }

    static func metadata(_ pnid: String) -> [String: Any] {
        ["display_phone_number": "15550100000", "phone_number_id": pnid]
    }

    static func textValue(pnid: String, wamid: String, from: String, name: String, body: String, at timestamp: Int) -> [String: Any] {
        ["messaging_product": "whatsapp", "metadata": metadata(pnid),
         "contacts": [["profile": ["name": name], "wa_id": from]],
         "messages": [["from": from, "id": wamid, "timestamp": String(timestamp), "type": "text", "text": ["body": body]]]]
    }

    static func statusValue(pnid: String, wamid: String, status: String, at timestamp: Int, errorCode: Int? = nil) -> [String: Any] {
        var item: [String: Any] = ["id": wamid, "status": status, "timestamp": String(timestamp), "recipient_id": "15551234567",
                                   "pricing": ["billable": true, "pricing_model": "PMP", "type": "regular", "category": "utility"]]
        if let errorCode { item["errors"] = [["code": errorCode, "title": "Message undeliverable"]] }
        return ["messaging_product": "whatsapp", "metadata": metadata(pnid), "statuses": [item]]
    }

    static func text(_ account: HookAccount, wamid: String, from: String = "15551234567", name: String = "Ada", body: String = "hello",
                     at timestamp: Int = 1_790_000_000) -> Data {
        envelope([(account.wabaID, "messages", textValue(pnid: account.phoneNumberID, wamid: wamid, from: from, name: name, body: body, at: timestamp))])
    }

    static func status(_ account: HookAccount, wamid: String, _ status: String, at timestamp: Int, errorCode: Int? = nil) -> Data {
        envelope([(account.wabaID, "messages", statusValue(pnid: account.phoneNumberID, wamid: wamid, status: status, at: timestamp, errorCode: errorCode))])
    }

    /// An outbound message (with its contact and conversation) as the send path will store it.
    static func outbound(_ app: Application, _ account: HookAccount, wamid: String, status: MessageStatus = .sent) async throws -> UUID {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let contact = Contact()
        contact.workspaceID = account.workspaceID
        contact.waID = "1555\(Int.random(in: 1_000_000...9_999_999))"
        contact.createdAt = now
        contact.updatedAt = now
        contact.refreshDerivedFields()
        try await contact.create(on: app.db)
        let conversation = Conversation()
        conversation.workspaceID = account.workspaceID
        conversation.accountID = account.id
        conversation.contactID = try contact.requireID()
        conversation.status = .open
        conversation.lastMessageAt = now
        conversation.unreadCount = 0
        conversation.createdAt = now
        conversation.updatedAt = now
        try await conversation.create(on: app.db)
        let message = Message()
        message.workspaceID = account.workspaceID
        message.accountID = account.id
        message.conversationID = try conversation.requireID()
        message.contactID = try contact.requireID()
        message.direction = .outbound
        message.wamid = wamid
        message.type = "text"
        message.content = #"{"text":{"body":"hi"}}"#
        message.status = status
        message.createdAt = now
        message.updatedAt = now
        message.statusAt = now
        try await message.create(on: app.db)
        return try message.requireID()
    }
}

extension Application {
    /// Posts a webhook delivery byte for byte; `signature` nil sends no header.
    func deliver(_ body: Data, signature: String?) async throws -> Reply {
        var headers = HTTPHeaders()
        headers.add(name: .contentType, value: "application/json")
        if let signature { headers.add(name: WebhookSignature.headerName, value: signature) }
        var reply: Reply?
        try await testing().test(.POST, "/webhooks/whatsapp", headers: headers, body: ByteBuffer(data: body)) { response in
            reply = Reply(status: response.status, headers: response.headers, text: response.body.string)
        }
        return try #require(reply)
    }

    func deliver(_ body: Data, signedWith secret: String) async throws -> Reply {
        try await deliver(body, signature: WebhookSignature.sign(body: body, appSecret: secret))
    }
}

/// A delivery and the app secret to sign it with.
struct SignedDelivery: Sendable {
    var body: Data
    var secret: String
}

extension Application {
    /// Delivers `deliveries` so that they are stored in one batch, and returns their replies in order. While a write
    /// transaction holds SQLite's gate (and, on PostgreSQL, a lock on `webhook_deliveries`), `plug` is delivered and
    /// taken by the batcher's writer, which then waits; the deliveries queue up behind it, and once all of them are
    /// queued the hold ends and the writer takes them together. The accounts' routing candidates must be cached
    /// (one delivery each beforehand), since a lookup could wait for the held connection.
    func deliverInOneBatch(_ deliveries: [SignedDelivery], plug: SignedDelivery) async throws -> (plug: Reply, replies: [Reply]) {
        let batcher = inboundBatcher
        let (plugged, queued) = try await transactor { db in
            if db.isPostgres { try await db.sql.raw("LOCK TABLE webhook_deliveries IN EXCLUSIVE MODE").run() }
            let plugged = Task { try await self.deliver(plug.body, signedWith: plug.secret) }
            try await Self.waitFor("the writer to take the plug") {
                let writing = await batcher.isWriting, waiting = await batcher.waiting
                return writing && waiting == 0
            }
            let queued = deliveries.map { delivery in Task { try await self.deliver(delivery.body, signedWith: delivery.secret) } }
            try await Self.waitFor("\(deliveries.count) deliveries to queue") { await batcher.waiting == deliveries.count }
            return (plugged, queued)
        }
        var replies: [Reply] = []
        for task in queued { replies.append(try await task.value) }
        return (try await plugged.value, replies)
    }

    private static func waitFor(_ what: String, _ condition: @Sendable () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while await !condition() {
            guard ContinuousClock.now < deadline else { throw TestTimeout(waitingFor: what) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}

struct TestTimeout: Error {
    var waitingFor: String
}
