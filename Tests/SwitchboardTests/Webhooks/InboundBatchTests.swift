import Fluent
import Foundation
import SQLKit
@testable import Switchboard
import Testing
import Vapor
import WhatsAppCloud

@Suite("Inbound batches")
struct InboundBatchTests {
    @Test("many concurrent deliveries are all stored, with exact unread counts and one event each")
    func concurrent() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            let outbound = try await Hooks.outbound(app, account, wamid: "wamid.OUT")
            let senders = (0..<8).map { "1555000\(1000 + $0)" }
            let perSender = 25
            // Inbound texts from every sender, with a status now and then: a batch holds both kinds.
            var bodies: [Data] = []
            for round in 0..<perSender {
                for (index, sender) in senders.enumerated() {
                    bodies.append(Hooks.text(account, wamid: "wamid.C\(index).\(round)", from: sender, name: "Sender \(index)",
                                             at: 1_790_000_000 + round))
                }
                if round % 5 == 0 { bodies.append(Hooks.status(account, wamid: "wamid.OUT", "delivered", at: 1_790_000_000 + round)) }
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for body in bodies { group.addTask { try await app.deliver(body, signedWith: account.appSecret).status } }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok })

            #expect(try await WebhookDelivery.query(on: app.db).count() == bodies.count)
            #expect(try await Message.query(on: app.db).filter(\.$accountID == account.id).filter(\.$direction == .inbound).count()
                    == senders.count * perSender)
            let contacts = try await Contact.query(on: app.db).filter(\.$workspaceID == ws.id).filter(\.$waID ~~ senders).all()
            #expect(contacts.count == senders.count)
            let conversations = try await Conversation.query(on: app.db).filter(\.$accountID == account.id)
                .filter(\.$contactID ~~ contacts.compactMap(\.id)).all()
            #expect(conversations.count == senders.count)
            for conversation in conversations {
                #expect(conversation.unreadCount == perSender)
                #expect(conversation.lastMessageAt == Date(timeIntervalSince1970: Double(1_790_000_000 + perSender - 1)))
                #expect(conversation.windowExpiresAt == Date(timeIntervalSince1970: Double(1_790_000_000 + perSender - 1) + 86_400))
            }
            let received = try await WorkspaceEvent.query(on: app.db).filter(\.$workspaceID == ws.id)
                .filter(\.$kind == EventKind.messageReceived.rawValue).count()
            #expect(received == senders.count * perSender)
            #expect(try await EventDelivery.query(on: app.db).filter(\.$endpointID == ws.endpointID).count() >= received)
            #expect(try await Message.find(outbound, on: app.db)?.status == .delivered)
        }
    }

    @Test("a wamid twice in one batch, and again in a later one, is one message; a new sender twice is one contact")
    func duplicates() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            let other = try await Hooks.account(app, workspace: ws.id)
            // Routing candidates cached before the writer is held.
            #expect(try await app.deliver(Hooks.text(account, wamid: "wamid.WARM", from: "15559990000"), signedWith: account.appSecret).status == .ok)
            #expect(try await app.deliver(Hooks.text(other, wamid: "wamid.WARM2"), signedWith: other.appSecret).status == .ok)

            let retried = Hooks.text(account, wamid: "wamid.DUP", from: "15557770000", name: "Lin", at: 1_790_000_100)
            let batch = [
                SignedDelivery(body: retried, secret: account.appSecret),
                SignedDelivery(body: retried, secret: account.appSecret),
                SignedDelivery(body: Hooks.text(account, wamid: "wamid.DUP", from: "15557770000", name: "Lin", body: "same wamid, other body",
                                                at: 1_790_000_100), secret: account.appSecret),
                SignedDelivery(body: Hooks.text(account, wamid: "wamid.NEXT", from: "15557770000", name: "Lin Y", at: 1_790_000_200),
                               secret: account.appSecret),
            ]
            let (plug, replies) = try await app.deliverInOneBatch(
                batch, plug: SignedDelivery(body: Hooks.text(other, wamid: "wamid.PLUG"), secret: other.appSecret))
            #expect(plug.status == .ok)
            #expect(replies.map(\.status) == [.ok, .ok, .ok, .ok])

            let contacts = try await Contact.query(on: app.db).filter(\.$waID == "15557770000").all()
            #expect(contacts.count == 1)
            #expect(contacts.first?.profileName == "Lin Y")
            #expect(contacts.first?.searchText == "lin y 15557770000")
            #expect(try await Message.query(on: app.db).filter(\.$wamid == "wamid.DUP").count() == 1)
            let conversation = try #require(try await Conversation.query(on: app.db).filter(\.$contactID == contacts[0].requireID()).first())
            #expect(conversation.unreadCount == 2)
            #expect(conversation.lastMessageAt == Date(timeIntervalSince1970: 1_790_000_200))
            // Each event shows the contact as it was after its own message.
            let payloads = try await WorkspaceEvent.query(on: app.db).filter(\.$kind == EventKind.messageReceived.rawValue).all().map(\.payload)
            #expect(payloads.filter { $0.contains("wamid.DUP") }.count == 1)
            #expect(payloads.first { $0.contains("wamid.DUP") }?.contains(#""profileName":"Lin""#) == true)
            #expect(payloads.first { $0.contains("wamid.NEXT") }?.contains(#""profileName":"Lin Y""#) == true)

            #expect(try await app.deliver(retried, signedWith: account.appSecret).status == .ok)
            #expect(try await Message.query(on: app.db).filter(\.$wamid == "wamid.DUP").count() == 1)
            #expect(try await Conversation.find(conversation.requireID(), on: app.db)?.unreadCount == 2)
            #expect(try await WebhookDelivery.query(on: app.db).count() == 2 + 1 + batch.count + 1)
        }
    }

    @Test("a delivery that fails inside a batch fails alone; the others are stored")
    func failureIsolated() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            #expect(try await app.deliver(Hooks.text(account, wamid: "wamid.WARM"), signedWith: account.appSecret).status == .ok)
            try await Self.refuseMessage(wamid: "wamid.BAD", on: app.db)

            let batch = ["wamid.G1", "wamid.BAD", "wamid.G2"].enumerated().map { index, wamid in
                SignedDelivery(body: Hooks.text(account, wamid: wamid, from: "1555888000\(index)"), secret: account.appSecret)
            }
            let (plug, replies) = try await app.deliverInOneBatch(
                batch, plug: SignedDelivery(body: Hooks.text(account, wamid: "wamid.PLUG"), secret: account.appSecret))
            #expect(plug.status == .ok)
            #expect(replies[0].status == .ok)
            #expect(replies[1].status == .internalServerError)
            #expect(replies[2].status == .ok)
            #expect(try await Message.query(on: app.db).filter(\.$wamid ~~ ["wamid.G1", "wamid.G2"]).count() == 2)
            #expect(try await Message.query(on: app.db).filter(\.$wamid == "wamid.BAD").count() == 0)
            #expect(try await Contact.query(on: app.db).filter(\.$waID == "15558880001").count() == 0)
            #expect(try await WebhookDelivery.query(on: app.db).count() == 4)
        }
    }

    /// A trigger that makes storing a message with this wamid fail, as a database refusing one row would.
    static func refuseMessage(wamid: String, on db: Database) async throws {
        if db.isPostgres {
            try await db.sql.raw("""
                CREATE FUNCTION refuse_message() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql
                """).run()
            try await db.sql.raw("""
                CREATE TRIGGER refuse_message BEFORE INSERT ON messages FOR EACH ROW
                WHEN (NEW.wamid = \(literal: wamid)) EXECUTE FUNCTION refuse_message()
                """).run()
        } else {
            try await db.sql.raw("""
                CREATE TRIGGER refuse_message BEFORE INSERT ON messages WHEN NEW.wamid = \(literal: wamid)
                BEGIN SELECT RAISE(ABORT, 'refused'); END
                """).run()
        }
    }
}
