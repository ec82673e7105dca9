import Fluent
import Foundation
import Testing
@testable import Switchboard
import Vapor

/// A workspace with a member and an API key of every role.
struct SeededWorkspace {
    var id: UUID
    var slug: String
    var members: [Role: Member]
    var keys: [Role: String]
    var keyIDs: [Role: UUID]
    /// An active sandbox account, the workspace's default.
    var accountID: UUID
    /// A conversation on that account with one inbound message.
    var conversationID: UUID
    /// That inbound message.
    var messageID: UUID
    /// An active webhook endpoint wanting every event kind (nothing listens at its URL: attempts fail at once).
    var endpointID: UUID
    /// A pending delivery of a test event to that endpoint.
    var deliveryID: UUID

    func key(_ role: Role) -> String { keys[role]! }
    func memberID(_ role: Role) -> UUID { members[role]!.id! }
}

enum Seed {
    static let tables = ["workspaces", "members", "memberships", "api_keys", "sessions", "audit_events", "secrets",
                         "whatsapp_accounts", "whatsapp_settings", "webhook_deliveries", "unrouted_changes", "contacts",
                         "conversations", "messages", "message_status_events", "outbox", "send_pacing", "pair_pacing",
                         "message_history", "idempotency_keys", "events", "webhook_endpoints", "event_deliveries",
                         "event_delivery_attempts"]

    static let password = "correct horse battery"

    static func workspace(_ app: Application, slug: String) async throws -> SeededWorkspace {
        let hash = try await app.switchboard.passwords.hash(password)
        let now = app.switchboard.clients.clock.now()
        var members: [Role: Member] = [:]
        let workspace = try await app.transactor { db in
            let owner = Member(email: "owner@\(slug).test", name: "Owner \(slug)", passwordHash: hash, isPlatformAdmin: false, at: now)
            try await owner.create(on: db)
            return try await WorkspaceService.create(name: "Workspace \(slug)", slug: slug, owner: owner, actor: .system("test"),
                                                     requestID: nil, at: now, on: db)
        }
        let workspaceID = try workspace.requireID()
        members[.owner] = try await Member.query(on: app.db).filter(\.$email == "owner@\(slug).test").first()
        for role in [Role.admin, .manager, .agent] {
            let member = Member(email: "\(role.rawValue)@\(slug).test", name: "\(role.rawValue) \(slug)", passwordHash: hash, isPlatformAdmin: false, at: now)
            try await member.create(on: app.db)
            try await Membership(workspaceID: workspaceID, memberID: try member.requireID(), role: role, at: now).create(on: app.db)
            members[role] = member
        }
        var keys: [Role: String] = [:]
        var keyIDs: [Role: UUID] = [:]
        let service = APIKeyService(clock: app.switchboard.clients.clock, random: .system)
        for role in Role.allCases {
            let created = try await service.create(.init(name: "\(role.rawValue) key", role: role),
                                                   context: AuditContext(actor: .system("test"), workspaceID: workspaceID, requestID: nil),
                                                   writer: app.transactor)
            keys[role] = created.key
            keyIDs[role] = created.apiKey.id
        }
        let account = try await accounts(app).create(
            CreateAccountInput(name: "Main \(slug)", provider: .sandbox, phoneNumberId: phoneNumberID(), isDefault: true),
            context: AuditContext(actor: .system("test"), workspaceID: workspaceID, requestID: nil), writer: app.transactor)
        let conversationID = try await conversation(app, workspaceID: workspaceID, accountID: account.id, name: "Contact of \(slug)")
        let messageID = try #require(try await Message.query(on: app.db).filter(\.$conversationID == conversationID).first()?.id)
        let context = AuditContext(actor: .system("test"), workspaceID: workspaceID, requestID: nil)
        let endpoint = try await WebhookEndpointService(app).create(
            CreateWebhookEndpointInput(url: "http://localhost:9/hooks/\(slug)", eventKinds: ["*"]), context: context, writer: app.transactor)
        let delivery = try await WebhookEndpointService(app).sendTest(endpoint.endpoint.id, context: context, writer: app.transactor)
        return SeededWorkspace(id: workspaceID, slug: slug, members: members, keys: keys, keyIDs: keyIDs, accountID: account.id,
                               conversationID: conversationID, messageID: messageID, endpointID: endpoint.endpoint.id, deliveryID: delivery.id)
    }

    /// A contact, an open conversation with it on `accountID`, and one inbound text.
    static func conversation(_ app: Application, workspaceID: UUID, accountID: UUID, name: String,
                             waID: String = "1555\(Int.random(in: 1_000_000...9_999_999))", at time: Date? = nil,
                             unread: Int = 1) async throws -> UUID {
        let now = time ?? app.switchboard.clients.clock.now()
        let contact = Contact()
        contact.workspaceID = workspaceID
        contact.waID = waID
        contact.profileName = name
        contact.createdAt = now
        contact.updatedAt = now
        contact.refreshDerivedFields()
        try await contact.create(on: app.db)
        let conversation = Conversation()
        conversation.workspaceID = workspaceID
        conversation.accountID = accountID
        conversation.contactID = try contact.requireID()
        conversation.status = .open
        conversation.lastMessageAt = now
        conversation.unreadCount = unread
        conversation.windowExpiresAt = ServiceWindow.expiry(current: nil, inboundAt: now)
        conversation.createdAt = now
        conversation.updatedAt = now
        try await conversation.create(on: app.db)
        let message = Message()
        message.workspaceID = workspaceID
        message.accountID = accountID
        message.conversationID = try conversation.requireID()
        message.contactID = try contact.requireID()
        message.direction = .inbound
        message.wamid = "wamid.seed.\(UUID().uuidString)"
        message.type = "text"
        message.content = #"{"text":{"body":"hello"},"type":"text"}"#
        message.status = .received
        message.createdAt = now
        message.updatedAt = now
        message.statusAt = now
        try await message.create(on: app.db)
        return try conversation.requireID()
    }

    static func accounts(_ app: Application) -> AccountService { AccountService(app) }

    /// A fresh numeric phone number id.
    static func phoneNumberID() -> String {
        String(UInt64.random(in: 100_000_000_000...999_999_999_999))
    }

    /// Row counts of every table, to check that a request wrote nothing.
    static func counts(_ app: Application) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in Seed.tables {
            let row = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()
            counts[table] = try row?.decode(column: "n", as: Int.self)
        }
        return counts
    }
}
