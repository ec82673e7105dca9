import Fluent
import Foundation
import Sandbox
@testable import Switchboard
import Testing
import Vapor
import WhatsAppCloud

/// A Switchboard listening on loopback with a dispatcher running, and the emulator as a separate server that
/// owns the rig account's number and posts signed status webhooks back over HTTP.
struct SendRig {
    var app: Application
    var sandbox: SandboxServer
    var ws: SeededWorkspace
    var accountID: UUID
    var phoneNumberID: String

    /// A user writes to the rig's number (opening the 24-hour window on both sides); returns the stored message.
    @discardableResult
    func inbound(from user: String, text: String = "hello") async throws -> Message {
        let result = try await sandbox.injectInbound(InboundInjection(phoneNumberId: phoneNumberID, from: user, profileName: "User \(user.suffix(4))",
                                                                      type: "text", payload: .string(text)))
        #expect(result.delivery?.status == 200)
        return try #require(try await Message.query(on: app.db).filter(\.$wamid == result.wamid).first())
    }

    func send(_ body: [String: Any], idempotencyKey: String? = nil) async throws -> Reply {
        let raw = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        return try await app.send(.POST, "/api/v1/messages", key: ws.key(.agent), raw: raw,
                                  headers: idempotencyKey.map { [("Idempotency-Key", $0)] } ?? [])
    }

    /// Sends and returns the accepted message's id, failing the test unless the answer is 202.
    func accepted(_ body: [String: Any]) async throws -> UUID {
        let reply = try await send(body)
        #expect(reply.status == .accepted, "\(reply.text)")
        return try #require(UUID(uuidString: reply.json["id"] as? String ?? ""))
    }

    func message(_ id: UUID) async throws -> MessageDetailDTO {
        try await MessageQueries.detail(id, workspaceID: ws.id, on: app.db)
    }

    /// Polls until the message reaches `status` (or fails the test after `timeout` seconds).
    @discardableResult
    func wait(for id: UUID, status: MessageStatus, timeout: Double = 15) async throws -> MessageDetailDTO {
        let deadline = Date().addingTimeInterval(timeout)
        var last = try await message(id)
        while last.status != status && Date() < deadline {
            try await Task.sleep(for: .milliseconds(25))
            last = try await message(id)
        }
        #expect(last.status == status, "message \(id) is \(last.status): \(last.history.map(\.status))")
        return last
    }

    func setFaults(_ faults: Faults) async {
        _ = await sandbox.state.setFaults(faults, for: phoneNumberID)
    }
}

func withSendRig(settings: DispatchSettings = .fast(), timing: WebhookTiming = .instant,
                 _ test: (SendRig) async throws -> Void) async throws {
    try await withTestApp { app in
        let ws = try await Seed.workspace(app, slug: "send\(UUID().uuidString.prefix(6).lowercased())")
        let phoneNumberID = Seed.phoneNumberID()
        let created = try await Seed.accounts(app).create(
            CreateAccountInput(name: "Rig number", provider: .sandbox, phoneNumberId: phoneNumberID, businessAccountId: Seed.phoneNumberID(),
                               accessToken: "sandbox-token-\(UUID().uuidString)", appSecret: "rig-secret-\(UUID().uuidString)", isDefault: true),
            context: AuditContext(actor: .system("test"), workspaceID: ws.id, requestID: nil), writer: app.transactor)
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        let sandbox = SandboxServer(configuration: SandboxConfiguration(webhookTiming: timing))
        let dispatcher = OutboxDispatcher(app: app, settings: settings)
        do {
            let sandboxPort = try await sandbox.start()
            app.switchboard.endpoints.sandboxURL = "http://127.0.0.1:\(sandboxPort)"
            let account = try #require(try await WhatsAppAccount.find(created.id, on: app.db))
            try await EmbeddedSandbox.register(account, in: sandbox, callbackURL: "http://127.0.0.1:\(port)/webhooks/whatsapp",
                                               secrets: app.switchboard.secrets, on: app.db)
            try await dispatcher.start()
            try await test(SendRig(app: app, sandbox: sandbox, ws: ws, accountID: created.id, phoneNumberID: phoneNumberID))
        } catch {
            await dispatcher.stop()
            await sandbox.shutdown()
            await app.server.shutdown()
            throw error
        }
        await dispatcher.stop()
        await sandbox.shutdown()
        await app.server.shutdown()
    }
}
