import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor
import WhatsAppCloud

@Suite("Inbound webhook")
struct InboundWebhookTests {
    @Test("the GET handshake answers the challenge only for subscribe and a known verify token")
    func handshake() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            let token = account.verifyToken.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let ok = try await app.send(.GET, "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=\(token)&hub.challenge=1158201444")
            #expect(ok.status == .ok)
            #expect(ok.text == "1158201444")
            #expect(ok.headers.contentType?.subType == "plain")
            let wrong = try await app.send(.GET, "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")
            #expect(wrong.status == .forbidden)
            #expect(wrong.problemType == "verification_failed")
            let mode = try await app.send(.GET, "/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=\(token)&hub.challenge=1")
            #expect(mode.status == .forbidden)
        }
    }

    @Test("missing, wrong and other-account signatures are refused and write nothing")
    func refused() async throws {
        try await withTestApp { app in
            let acme = try await Seed.workspace(app, slug: "acme")
            let other = try await Seed.workspace(app, slug: "other")
            let account = try await Hooks.account(app, workspace: acme.id)
            let stranger = try await Hooks.account(app, workspace: other.id)
            let body = Hooks.text(account, wamid: "wamid.A1")
            let before = try await Seed.counts(app)

            let missing = try await app.deliver(body, signature: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.problemType == "signature_missing")
            let wrong = try await app.deliver(body, signedWith: "not-the-secret")
            #expect(wrong.status == .forbidden)
            #expect(wrong.problemType == "signature_invalid")
            let foreign = try await app.deliver(body, signedWith: stranger.appSecret)
            #expect(foreign.status == .forbidden)
            let malformed = try await app.deliver(body, signature: "sha256=xyz")
            #expect(malformed.status == .forbidden)
            var tampered = body
            tampered.append(contentsOf: Array(" ".utf8))
            let changed = try await app.deliver(tampered, signature: WebhookSignature.sign(body: body, appSecret: account.appSecret))
            #expect(changed.status == .forbidden)
            #expect(try await Seed.counts(app) == before)
        }
    }

    @Test("an inbound text becomes a contact, an open conversation with a window, and a message")
    func inboundText() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            let reply = try await app.deliver(Hooks.text(account, wamid: "wamid.T1", from: "15557654321", name: "Grace", body: "Is the flat free?",
                                                         at: 1_790_000_100), signedWith: account.appSecret)
            #expect(reply.status == .ok)

            let message = try #require(try await Message.query(on: app.db).filter(\.$wamid == "wamid.T1").first())
            #expect(message.workspaceID == ws.id)
            #expect(message.accountID == account.id)
            #expect(message.direction == .inbound)
            #expect(message.status == .received)
            #expect(message.type == "text")
            #expect(message.content.contains("Is the flat free?"))
            let contact = try #require(try await Contact.find(message.contactID, on: app.db))
            #expect(contact.waID == "15557654321")
            #expect(contact.profileName == "Grace")
            let conversation = try #require(try await Conversation.find(message.conversationID, on: app.db))
            #expect(conversation.status == .open)
            #expect(conversation.unreadCount == 1)
            #expect(conversation.lastMessageAt == Date(timeIntervalSince1970: 1_790_000_100))
            #expect(conversation.windowExpiresAt == Date(timeIntervalSince1970: 1_790_000_100 + 86_400))
            #expect(try await WebhookDelivery.query(on: app.db).count() == 1)
        }
    }

    @Test("a duplicate delivery changes nothing: one message, unread count 1")
    func duplicate() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            let body = Hooks.text(account, wamid: "wamid.D1")
            #expect(try await app.deliver(body, signedWith: account.appSecret).status == .ok)
            #expect(try await app.deliver(body, signedWith: account.appSecret).status == .ok)
            #expect(try await Message.query(on: app.db).filter(\.$accountID == account.id).count() == 1)
            #expect(try await Contact.query(on: app.db).filter(\.$waID == "15551234567").count() == 1)
            let conversation = try #require(try await Conversation.query(on: app.db).filter(\.$accountID == account.id).first())
            #expect(conversation.unreadCount == 1)
            #expect(try await WebhookDelivery.query(on: app.db).count() == 2)

            #expect(try await app.deliver(Hooks.text(account, wamid: "wamid.D2", at: 1_790_000_500), signedWith: account.appSecret).status == .ok)
            let again = try #require(try await Conversation.query(on: app.db).filter(\.$accountID == account.id).first())
            #expect(again.unreadCount == 2)
            #expect(again.windowExpiresAt == Date(timeIntervalSince1970: 1_790_000_500 + 86_400))
        }
    }

    @Test("statuses out of order end at the highest, with every one in the history; failed stays failed")
    func statuses() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            let first = try await Hooks.outbound(app, account, wamid: "wamid.S1")
            for (status, time) in [("delivered", 20), ("sent", 10), ("read", 40), ("delivered", 20)] {
                let reply = try await app.deliver(Hooks.status(account, wamid: "wamid.S1", status, at: 1_790_000_000 + time), signedWith: account.appSecret)
                #expect(reply.status == .ok)
            }
            let read = try #require(try await Message.find(first, on: app.db))
            #expect(read.status == .read)
            #expect(read.statusAt == Date(timeIntervalSince1970: 1_790_000_040))
            #expect(read.pricing?.contains("PMP") == true)
            let history = try await MessageStatusEvent.query(on: app.db).filter(\.$messageID == first).all()
            #expect(Set(history.map(\.status)) == ["sent", "delivered", "read"])
            #expect(history.count == 3)

            let second = try await Hooks.outbound(app, account, wamid: "wamid.S2")
            for (status, code) in [("sent", nil), ("failed", 131026), ("delivered", nil), ("read", nil)] as [(String, Int?)] {
                _ = try await app.deliver(Hooks.status(account, wamid: "wamid.S2", status, at: 1_790_000_100, errorCode: code), signedWith: account.appSecret)
            }
            let failed = try #require(try await Message.find(second, on: app.db))
            #expect(failed.status == .failed)
            #expect(failed.errorCode == 131026)
            #expect(failed.errorTitle == "Message undeliverable")
            #expect(try await MessageStatusEvent.query(on: app.db).filter(\.$messageID == second).count() == 4)

            let messages = try await Message.query(on: app.db).count()
            #expect(try await app.deliver(Hooks.status(account, wamid: "wamid.UNKNOWN", "delivered", at: 1_790_000_000), signedWith: account.appSecret).status == .ok)
            #expect(try await Message.query(on: app.db).count() == messages)
            let orphan = try #require(try await MessageStatusEvent.query(on: app.db).filter(\.$wamid == "wamid.UNKNOWN").first())
            #expect(orphan.messageID == nil)
            #expect(orphan.workspaceID == ws.id)
        }
    }

    @Test("one delivery for numbers of two workspaces routes each change to its own; an unknown number is unrouted")
    func routing() async throws {
        try await withTestApp { app in
            let acme = try await Seed.workspace(app, slug: "acme")
            let other = try await Seed.workspace(app, slug: "other")
            let secret = "shared-app-secret"
            let a = try await Hooks.account(app, workspace: acme.id, appSecret: secret)
            let b = try await Hooks.account(app, workspace: other.id, appSecret: secret)
            let body = Hooks.envelope([
                (a.wabaID, "messages", Hooks.textValue(pnid: a.phoneNumberID, wamid: "wamid.RA", from: "15550000001", name: "A", body: "to acme", at: 1_790_000_000)),
                (b.wabaID, "messages", Hooks.textValue(pnid: b.phoneNumberID, wamid: "wamid.RB", from: "15550000002", name: "B", body: "to other", at: 1_790_000_000)),
                ("999", "messages", Hooks.textValue(pnid: "000111222", wamid: "wamid.RX", from: "15550000003", name: "X", body: "nobody", at: 1_790_000_000)),
            ])
            #expect(try await app.deliver(body, signedWith: secret).status == .ok)
            let ra = try #require(try await Message.query(on: app.db).filter(\.$wamid == "wamid.RA").first())
            let rb = try #require(try await Message.query(on: app.db).filter(\.$wamid == "wamid.RB").first())
            #expect(ra.workspaceID == acme.id && ra.accountID == a.id)
            #expect(rb.workspaceID == other.id && rb.accountID == b.id)
            #expect(try await Message.query(on: app.db).filter(\.$accountID ~~ [a.id, b.id]).count() == 2)
            let unrouted = try await UnroutedChange.query(on: app.db).all()
            #expect(unrouted.map(\.phoneNumberID) == ["000111222"])
            #expect(unrouted.first?.raw.contains("nobody") == true)

            let owner = DashboardClient(app)
            _ = try await owner.login("owner@other.test", Seed.password)
            #expect(try await owner.get("/dashboard/deliveries").status == .forbidden)
            let admin = try #require(try await Member.find(acme.memberID(.owner), on: app.db))
            admin.isPlatformAdmin = true
            try await admin.save(on: app.db)
            let platform = DashboardClient(app)
            _ = try await platform.login("owner@acme.test", Seed.password)
            let page = try await platform.get("/dashboard/deliveries")
            #expect(page.status == .ok && page.text.contains("000111222"))
        }
    }

    @Test("a number registered in two workspaces goes to each whose app secret verifies")
    func sharedNumber() async throws {
        try await withTestApp { app in
            let acme = try await Seed.workspace(app, slug: "acme")
            let other = try await Seed.workspace(app, slug: "other")
            let third = try await Seed.workspace(app, slug: "third")
            let pnid = Seed.phoneNumberID()
            let a = try await Hooks.account(app, workspace: acme.id, phoneNumberID: pnid, appSecret: "same-secret")
            _ = try await Hooks.account(app, workspace: other.id, phoneNumberID: pnid, appSecret: "same-secret")
            _ = try await Hooks.account(app, workspace: third.id, phoneNumberID: pnid, appSecret: "different-secret")
            #expect(try await app.deliver(Hooks.text(a, wamid: "wamid.SH"), signedWith: "same-secret").status == .ok)
            let copies = try await Message.query(on: app.db).filter(\.$wamid == "wamid.SH").all()
            #expect(Set(copies.map(\.workspaceID)) == [acme.id, other.id])
            #expect(try await Contact.query(on: app.db).filter(\.$workspaceID == third.id).filter(\.$waID == "15551234567").count() == 0)
            #expect(try await Contact.query(on: app.db).filter(\.$waID == "15551234567").count() == 2)
        }
    }

    @Test("a body over 1 MB is refused with 413 and writes nothing")
    func tooLarge() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            let body = Hooks.text(account, wamid: "wamid.BIG", body: String(repeating: "x", count: 1 << 20))
            let before = try await Seed.counts(app)
            let reply = try await app.deliver(body, signedWith: account.appSecret)
            #expect(reply.status == .payloadTooLarge)
            #expect(try await Seed.counts(app) == before)
        }
    }

    @Test("a correctly signed body that does not parse is stored with the parse error and acknowledged")
    func unparseable() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            let body = Data(#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"\#(account.phoneNumberID)"}}"#.utf8)
            let messages = try await Message.query(on: app.db).count()
            let reply = try await app.deliver(body, signedWith: account.appSecret)
            #expect(reply.status == .ok)
            let delivery = try #require(try await WebhookDelivery.query(on: app.db).first())
            #expect(delivery.parseError != nil)
            #expect(delivery.body == String(decoding: body, as: UTF8.self))
            #expect(delivery.changeCount == 0)
            #expect(try await Message.query(on: app.db).count() == messages)
        }
    }

    @Test("account_update that removes the app disconnects the account and is audited; quality updates are audited")
    func accountEvents() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            let body = Hooks.envelope([
                (account.wabaID, "account_update", ["event": "PARTNER_APP_UNINSTALLED", "waba_info": ["waba_id": account.wabaID, "owner_business_id": "1"]]),
                (account.wabaID, "phone_number_quality_update", ["display_phone_number": "15550100000", "event": "FLAGGED", "current_limit": "TIER_1K"]),
            ])
            #expect(try await app.deliver(body, signedWith: account.appSecret).status == .ok)
            let stored = try #require(try await WhatsAppAccount.find(account.id, on: app.db))
            #expect(stored.status == .disconnected)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$workspaceID == ws.id).all().map(\.action)
            #expect(actions.contains("account.status_changed"))
            #expect(actions.contains("meta.account_update"))
            #expect(actions.contains("meta.phone_number_quality_update"))
        }
    }
}
