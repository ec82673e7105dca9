import Fluent
import Foundation
import Sandbox
@testable import Switchboard
import Testing
import Vapor
import WhatsAppCloud

@Suite("Inbound webhook over loopback")
struct InboundLoopbackTests {
    @Test("the sandbox posts a signed inbound text to a running Switchboard, which stores it with an open window")
    func sandboxToSwitchboard() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "loop")
            let account = try await Hooks.account(app, workspace: ws.id)
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let sandbox = SandboxServer()
            do {
                _ = try await sandbox.start()
                await sandbox.state.upsert(SandboxNumber(phoneNumberId: account.phoneNumberID, wabaId: account.wabaID,
                                                         appSecret: account.appSecret,
                                                         callbackURL: "http://127.0.0.1:\(port)/webhooks/whatsapp"))
                let result = try await sandbox.injectInbound(InboundInjection(
                    phoneNumberId: account.phoneNumberID, from: "15559876543", profileName: "Lin", type: "text",
                    payload: .string("Over the wire")))
                #expect(result.delivery?.delivered == true)
                #expect(result.delivery?.status == 200)

                let message = try #require(try await Message.query(on: app.db).filter(\.$wamid == result.wamid).first())
                #expect(message.workspaceID == ws.id)
                #expect(message.accountID == account.id)
                #expect(message.content.contains("Over the wire"))
                let conversation = try #require(try await Conversation.find(message.conversationID, on: app.db))
                #expect(ServiceWindow.isOpen(expiresAt: conversation.windowExpiresAt, now: Date()))
                #expect(conversation.unreadCount == 1)
                let contact = try #require(try await Contact.find(message.contactID, on: app.db))
                #expect(contact.profileName == "Lin")
                #expect(contact.waID == "15559876543")
            } catch {
                await sandbox.shutdown()
                await app.server.shutdown()
                throw error
            }
            await sandbox.shutdown()
            await app.server.shutdown()
        }
    }
}
