import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Send API")
struct SendAPITests {
    static var template: [String: Any] { ["type": "template", "template": ["name": "hello_world", "language": ["code": "en_US"]]] }

    static func body(_ fields: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
    }

    func send(_ app: Application, _ ws: SeededWorkspace, _ fields: [String: Any], key: String? = nil,
              headers: [(String, String)] = []) async throws -> Reply {
        try await app.send(.POST, "/api/v1/messages", key: key ?? ws.key(.agent), raw: try Self.body(fields), headers: headers)
    }

    @Test("a template to a new number is queued with its outbox row, history and the resolver's decision")
    func accepted() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let reply = try await send(app, ws, Self.template.merging(["to": "+14155550123"]) { a, _ in a })
            #expect(reply.status == .accepted, "\(reply.text)")
            let message = try reply.decode(MessageDetailDTO.self)
            #expect(message.status == .queued)
            #expect(message.accountId == ws.accountID)
            #expect(message.contact.waId == "14155550123")
            #expect(message.decision?.step == .default)
            #expect(message.history.map(\.status) == ["queued"])
            #expect(try await OutboxItem.query(on: app.db).filter(\.$messageID == message.id).count() == 1)
            let fetched = try await app.send(.GET, "/api/v1/messages/\(message.id)", key: ws.key(.agent))
            #expect(fetched.status == .ok)
            #expect(try fetched.decode(MessageDetailDTO.self).id == message.id)
        }
    }

    @Test("bad bodies are 422 naming the field, and write nothing", arguments: [
        (#"{"type":"text","text":{"body":"hi"}}"#, "to"),
        (#"{"to":"12","type":"text","text":{"body":"hi"}}"#, "to"),
        (#"{"to":"+14155550123","recipient":"US.1","type":"text","text":{"body":"hi"}}"#, "recipient"),
        (#"{"to":"+14155550123","type":"text","text":{"body":""}}"#, "text.body"),
        (#"{"to":"+14155550123","type":"text","text":{"body":"\#(String(repeating: "x", count: 4097))"}}"#, "text.body"),
        (#"{"to":"+14155550123","type":"carrier_pigeon"}"#, "type"),
        (#"{"to":"+14155550123","type":"text","text":{"body":"hi"},"colour":"red"}"#, "colour"),
        (#"{"to":"+14155550123","type":"text","text":{"body":"hi"},"accountId":"not-a-uuid"}"#, "accountId"),
        (#"{"to":"+14155550123","type":"template","template":{"name":"hello_world","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"x"}]}]}}"#,
         "template.components"),
        (#"{"to":"+14155550123","type":"image","image":{}}"#, "image"),
        (#"{"to":"+14155550123","type":"text","text":"hi"}"#, "text"),
    ])
    func badBodies(body: String, field: String) async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let before = try await Seed.counts(app)
            let reply = try await app.send(.POST, "/api/v1/messages", key: ws.key(.agent), raw: body)
            #expect(reply.status == .unprocessableEntity, "\(reply.text)")
            #expect(reply.fieldErrors.contains { $0.hasPrefix(field) }, "\(reply.fieldErrors)")
            #expect(try await Seed.counts(app) == before)
        }
    }

    @Test("free-form outside the 24-hour window is 422 window_closed and writes nothing; a template is accepted")
    func window() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let before = try await Seed.counts(app)
            let closed = try await send(app, ws, ["to": "+14155550199", "type": "text", "text": ["body": "hi"]])
            #expect(closed.status == .unprocessableEntity)
            #expect(closed.problemType == "window_closed")
            #expect((closed.json["detail"] as? String)?.contains("template") == true)
            #expect(try await Seed.counts(app) == before)
            // The seeded conversation has an open window: free-form to that contact goes out on its account.
            let contact = try #require(try await Conversation.find(ws.conversationID, on: app.db)?.contactID)
            let waID = try #require(try await Contact.find(contact, on: app.db)?.waID)
            let open = try await send(app, ws, ["to": "+" + waID, "type": "text", "text": ["body": "hi"]])
            #expect(open.status == .accepted, "\(open.text)")
            #expect(try open.decode(MessageDetailDTO.self).decision?.step == .conversation)
        }
    }

    @Test("the same Idempotency-Key and body answer the same message; another body is 409")
    func idempotency() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let fields = Self.template.merging(["to": "+14155550123"]) { a, _ in a }
            let first = try await send(app, ws, fields, headers: [("Idempotency-Key", "order-42")])
            let again = try await send(app, ws, fields, headers: [("Idempotency-Key", "order-42")])
            #expect(first.status == .accepted && again.status == .accepted, "\(again.text)")
            #expect(first.json["id"] as? String == again.json["id"] as? String)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(try await Message.query(on: app.db).filter(\.$direction == .outbound).count() == 1)

            let other = try await send(app, ws, fields.merging(["to": "+14155550124"]) { _, b in b }, headers: [("Idempotency-Key", "order-42")])
            #expect(other.status == .conflict)
            #expect(other.problemType == "idempotency_conflict")
            let bad = try await send(app, ws, fields, headers: [("Idempotency-Key", String(repeating: "k", count: 256))])
            #expect(bad.status == .badRequest)
            // Keys are per workspace.
            let beta = try await Seed.workspace(app, slug: "beta")
            let theirs = try await send(app, beta, fields, headers: [("Idempotency-Key", "order-42")])
            #expect(theirs.status == .accepted)
            #expect(theirs.json["id"] as? String != first.json["id"] as? String)
        }
    }

    @Test("another workspace's message is a 404 and cannot be replied to")
    func isolation() async throws {
        try await withTestApp { app in
            let acme = try await Seed.workspace(app, slug: "acme")
            let beta = try await Seed.workspace(app, slug: "beta")
            let theirs = try await app.send(.GET, "/api/v1/messages/\(acme.messageID)", key: beta.key(.owner))
            #expect(theirs.status == .notFound)
            let reply = try await send(app, beta, Self.template.merging(["to": "+14155550123", "replyTo": acme.messageID.uuidString]) { a, _ in a })
            #expect(reply.status == .unprocessableEntity)
            #expect(reply.fieldErrors == ["replyTo"])
        }
    }

    @Test("with no usable account the answer is 422 with every step's reason")
    func noAccount() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let deactivated = try await app.send(.POST, "/api/v1/whatsapp-accounts/\(ws.accountID)/deactivate", key: ws.key(.admin))
            #expect(deactivated.status == .ok)
            let reply = try await send(app, ws, Self.template.merging(["to": "+14155550123"]) { a, _ in a })
            #expect(reply.status == .unprocessableEntity)
            #expect(reply.problemType == "no_usable_account")
            #expect(reply.fieldErrors.contains("default"))
        }
    }
}
