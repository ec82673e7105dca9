import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Dashboard: inbox and threads")
struct InboxPagesTests {
    /// The value of a hidden form field on a page.
    static func hidden(_ name: String, in html: String) throws -> String {
        let marker = #"name="\#(name)" value=""#
        let start = try #require(html.range(of: marker)).upperBound
        return String(html[start...].prefix { $0 != "\"" })
    }

    /// An outbound message in a conversation, at `status`, `seconds` after the seed's inbound one.
    static func outbound(_ app: Application, _ ws: SeededWorkspace, _ status: MessageStatus, body: String, after seconds: TimeInterval,
                         errorTitle: String? = nil) async throws {
        let conversation = try #require(try await Conversation.find(ws.conversationID, on: app.db))
        let time = conversation.lastMessageAt.addingTimeInterval(seconds)
        let message = Message()
        message.workspaceID = ws.id
        message.accountID = ws.accountID
        message.conversationID = ws.conversationID
        message.contactID = conversation.contactID
        message.direction = .outbound
        message.wamid = "wamid.out.\(UUID().uuidString)"
        message.type = "text"
        message.content = #"{"text":{"body":"\#(body)"},"type":"text"}"#
        message.status = status
        message.errorTitle = errorTitle
        message.createdAt = time
        message.updatedAt = time
        message.statusAt = time
        try await message.create(on: app.db)
    }

    static func outboundMessages(_ app: Application, in conversationID: UUID) async throws -> [Message] {
        try await Message.query(on: app.db).filter(\.$conversationID == conversationID).filter(\.$direction == .outbound).all()
    }

    @Test("the list puts unread conversations first, then the latest activity; the nav shows the unread total")
    func ordering() async throws {
        try await withTestApp(clock: TestClock()) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let now = app.switchboard.clients.clock.now()
            _ = try await Seed.conversation(app, workspaceID: a.id, accountID: a.accountID, name: "Bob Read", at: now.addingTimeInterval(10), unread: 0)
            _ = try await Seed.conversation(app, workspaceID: a.id, accountID: a.accountID, name: "Cara Unread", at: now.addingTimeInterval(-100), unread: 2)
            let browser = try await AccountPagesTests.signedIn(app, as: "owner@alpha.test")

            let page = try await browser.get("/dashboard/inbox")
            #expect(page.status == .ok)
            let positions = try ["Contact of alpha", "Cara Unread", "Bob Read"].map { try #require(page.text.range(of: $0)).lowerBound }
            #expect(positions == positions.sorted())
            #expect(page.text.contains(#"<span class="badge count" id="unread-total" title="Unread messages">3</span>"#))
            #expect(page.text.contains("Main alpha") && page.text.contains("Window open"))
        }
    }

    @Test("paging runs through the unread conversations into the read ones without losing or repeating a row")
    func paging() async throws {
        try await withTestApp(clock: TestClock()) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let now = app.switchboard.clients.clock.now()
            for index in 1...24 {
                _ = try await Seed.conversation(app, workspaceID: a.id, accountID: a.accountID, name: "Unread \(index)", at: now.addingTimeInterval(Double(-index)))
            }
            for index in 1...2 {
                _ = try await Seed.conversation(app, workspaceID: a.id, accountID: a.accountID, name: "Read \(index)", at: now.addingTimeInterval(Double(index)), unread: 0)
            }
            let browser = try await AccountPagesTests.signedIn(app, as: "agent@alpha.test")

            let first = try await browser.get("/dashboard/inbox")
            #expect(first.text.components(separatedBy: #"<tr class="unread""#).count - 1 == 25)
            #expect(!first.text.contains("Read 1"))
            let start = try #require(first.text.range(of: #"id="next-page" href=""#)).upperBound
            let next = String(first.text[start...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
            let second = try await browser.get(next)
            #expect(second.text.contains("Read 1") && second.text.contains("Read 2") && !second.text.contains("Unread 1<"))
            #expect(!second.text.contains("next-page"))
        }
    }

    @Test("search by name and number; archived conversations only under their filter")
    func search() async throws {
        try await withTestApp(clock: TestClock()) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            _ = try await Seed.conversation(app, workspaceID: a.id, accountID: a.accountID, name: "Cara Lopes", waID: "4915112345678")
            let archived = try await Seed.conversation(app, workspaceID: a.id, accountID: a.accountID, name: "Dan Archived")
            try await Conversation.query(on: app.db).filter(\.$id == archived).set(\.$status, to: .archived).update()
            let browser = try await AccountPagesTests.signedIn(app, as: "agent@alpha.test")

            let byName = try await browser.get("/dashboard/inbox?q=cara")
            #expect(byName.text.contains("Cara Lopes") && !byName.text.contains("Contact of alpha"))
            let byNumber = try await browser.get("/dashboard/inbox?q=%2B49151")
            #expect(byNumber.text.contains("Cara Lopes") && !byNumber.text.contains("Contact of alpha"))
            let none = try await browser.get("/dashboard/inbox?q=nobody")
            #expect(none.text.contains(#"id="empty-state""#))
            #expect(!(try await browser.get("/dashboard/inbox")).text.contains("Dan Archived"))
            #expect(try await browser.get("/dashboard/inbox?status=archived").text.contains("Dan Archived"))
            let stale = try await browser.get("/dashboard/inbox?cursor=nonsense")
            #expect(stale.status == .ok && stale.text.contains("Contact of alpha") && stale.text.contains("is not a cursor this page made"))
        }
    }

    @Test("a thread shows each message with its account and outbound ticks, and opening it marks it read")
    func thread() async throws {
        try await withTestApp(clock: TestClock()) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            try await Self.outbound(app, a, .queued, body: "one", after: 1)
            try await Self.outbound(app, a, .delivered, body: "two", after: 2)
            try await Self.outbound(app, a, .read, body: "three", after: 3)
            try await Self.outbound(app, a, .failed, body: "four", after: 4, errorTitle: "Re-engagement message")
            let browser = try await AccountPagesTests.signedIn(app, as: "agent@alpha.test")

            let page = try await browser.get("/dashboard/inbox/\(a.conversationID)")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<span class="ticks queued" title="Queued" aria-label="Queued">◷</span>"#))
            #expect(page.text.contains(#"<span class="ticks delivered" title="Delivered" aria-label="Delivered">✓✓</span>"#))
            #expect(page.text.contains(#"class="ticks read""#))
            #expect(page.text.contains(#"title="Failed: Re-engagement message""#) && page.text.contains("✗"))
            #expect(page.text.contains("on Main alpha") && page.text.contains("via Main alpha"))
            let order = try ["hello", "one", "two", "three", "four"].map { try #require(page.text.range(of: "<p>\($0)</p>")).lowerBound }
            #expect(order == order.sorted())
            #expect(try await Conversation.find(a.conversationID, on: app.db)?.unreadCount == 0)
            #expect(!page.text.contains("unread-total"))
        }
    }

    @Test("a reply in the window queues a text message through the send path and redirects back to the thread")
    func replyInWindow() async throws {
        try await withTestApp(clock: TestClock()) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let browser = try await AccountPagesTests.signedIn(app, as: "owner@alpha.test")
            let page = try await browser.get("/dashboard/inbox/\(a.conversationID)")
            #expect(page.text.contains(#"<textarea name="body""#) && !page.text.contains(#"id="window-closed""#))

            let reply = try await browser.post("/dashboard/inbox/\(a.conversationID)/reply",
                                               ["kind": "text", "body": "Thanks, on it", "idempotencyKey": try Self.hidden("idempotencyKey", in: page.text)])
            #expect(reply.status == .seeOther)
            #expect(reply.headers.first(name: .location)?.hasPrefix("/dashboard/inbox/\(a.conversationID)?notice=") == true)
            let sent = try await Self.outboundMessages(app, in: a.conversationID)
            #expect(sent.count == 1 && sent.first?.status == .queued && sent.first?.type == "text")
            #expect(sent.first?.content.contains("Thanks, on it") == true && sent.first?.accountID == a.accountID)
            #expect(try await OutboxItem.query(on: app.db).count() == 1)
            let after = try await browser.get(try #require(reply.headers.first(name: .location)))
            #expect(after.text.contains("Message queued.") && after.text.contains("Thanks, on it") && after.text.contains("ticks queued"))
        }
    }

    @Test("a quoted reply carries replyTo; a bad one comes back inline with the text kept")
    func quotedAndInvalid() async throws {
        try await withTestApp(clock: TestClock()) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let browser = try await AccountPagesTests.signedIn(app, as: "agent@alpha.test")
            let page = try await browser.get("/dashboard/inbox/\(a.conversationID)?replyTo=\(a.messageID)")
            #expect(page.text.contains(#"id="quoting""#))
            let key = try Self.hidden("idempotencyKey", in: page.text)
            #expect(try Self.hidden("replyTo", in: page.text) == a.messageID.uuidString)

            let empty = try await browser.post("/dashboard/inbox/\(a.conversationID)/reply", ["kind": "text", "body": "", "idempotencyKey": key])
            #expect(empty.status == .unprocessableEntity && empty.text.contains(#"data-field="text.body""#))
            let bad = try await browser.post("/dashboard/inbox/\(a.conversationID)/reply",
                                             ["kind": "text", "body": "Keep me", "replyTo": "not-a-uuid", "idempotencyKey": key])
            #expect(bad.status == .unprocessableEntity && bad.text.contains("replyTo: must be a UUID") && bad.text.contains("Keep me</textarea>"))
            let quoted = try await browser.post("/dashboard/inbox/\(a.conversationID)/reply",
                                                ["kind": "text", "body": "Yes", "replyTo": a.messageID.uuidString, "idempotencyKey": key])
            #expect(quoted.status == .seeOther)
            let sent = try #require(try await Self.outboundMessages(app, in: a.conversationID).first)
            #expect(sent.replyToWamid?.hasPrefix("wamid.seed.") == true)
        }
    }

    @Test("outside the window the page offers only a template; free text is refused and writes nothing; a template goes")
    func windowClosed() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            clock.advance(25 * 3600)
            let browser = try await AccountPagesTests.signedIn(app, as: "owner@alpha.test")
            let page = try await browser.get("/dashboard/inbox/\(a.conversationID)")
            #expect(page.text.contains(#"id="window-closed""#) && !page.text.contains(#"<textarea name="body""#))
            #expect(page.text.contains(#"value="hello_world""#) && page.text.contains(#"value="en_US""#))
            let key = try Self.hidden("idempotencyKey", in: page.text)

            let before = try await Seed.counts(app)
            let refused = try await browser.post("/dashboard/inbox/\(a.conversationID)/reply", ["kind": "text", "body": "Hi again", "idempotencyKey": key])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains(#"id="window-closed""#) && refused.text.contains("24 hours"))
            #expect(try await Seed.counts(app) == before)

            let template = try await browser.post("/dashboard/inbox/\(a.conversationID)/reply",
                                                  ["kind": "template", "templateName": "hello_world", "languageCode": "en_US", "idempotencyKey": key])
            #expect(template.status == .seeOther)
            let sent = try await Self.outboundMessages(app, in: a.conversationID)
            #expect(sent.count == 1 && sent.first?.type == "template" && sent.first?.status == .queued)
        }
    }

    @Test("a double submit with the page's idempotency key sends once")
    func doubleSubmit() async throws {
        try await withTestApp(clock: TestClock()) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let browser = try await AccountPagesTests.signedIn(app, as: "agent@alpha.test")
            let key = try Self.hidden("idempotencyKey", in: try await browser.get("/dashboard/inbox/\(a.conversationID)").text)
            let form = ["kind": "text", "body": "Only once", "idempotencyKey": key]

            #expect(try await browser.post("/dashboard/inbox/\(a.conversationID)/reply", form).status == .seeOther)
            #expect(try await browser.post("/dashboard/inbox/\(a.conversationID)/reply", form).status == .seeOther)
            #expect(try await Self.outboundMessages(app, in: a.conversationID).count == 1)
            let fresh = try Self.hidden("idempotencyKey", in: try await browser.get("/dashboard/inbox/\(a.conversationID)").text)
            #expect(fresh != key)
        }
    }

    @Test("another workspace's conversation is a 404 to view, reply to, archive or block, and nothing is written")
    func isolation() async throws {
        try await withTestApp(clock: TestClock()) { app in
            _ = try await Seed.workspace(app, slug: "alpha")
            let b = try await Seed.workspace(app, slug: "beta")
            let browser = try await AccountPagesTests.signedIn(app, as: "owner@alpha.test")
            let before = try await Seed.counts(app)

            #expect(try await browser.get("/dashboard/inbox/\(b.conversationID)").status == .notFound)
            let form = ["kind": "text", "body": "Hello", "idempotencyKey": "dashboard-isolation"]
            #expect(try await browser.post("/dashboard/inbox/\(b.conversationID)/reply", form).status == .notFound)
            #expect(try await browser.post("/dashboard/inbox/\(b.conversationID)/archive", [:]).status == .notFound)
            #expect(try await browser.post("/dashboard/inbox/\(b.conversationID)/block", [:]).status == .notFound)
            #expect(try await browser.post("/dashboard/inbox/\(b.conversationID)/reopen", [:]).status == .notFound)
            #expect(try await Seed.counts(app) == before)
            #expect(!(try await browser.get("/dashboard/inbox")).text.contains("Contact of beta"))
        }
    }

    @Test("an agent archives, blocks and unblocks; each is audited, a blocked thread has no reply box, an unblocked one has")
    func archiveAndBlock() async throws {
        try await withTestApp(clock: TestClock()) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let browser = try await AccountPagesTests.signedIn(app, as: "agent@alpha.test")
            let path = "/dashboard/inbox/\(a.conversationID)"

            #expect(try await browser.post(path + "/archive", [:]).status == .seeOther)
            #expect(try await Conversation.find(a.conversationID, on: app.db)?.status == .archived)
            #expect(try await browser.post(path + "/block", [:]).status == .seeOther)
            let blocked = try await browser.get(path)
            #expect(blocked.text.contains("Blocked") && blocked.text.contains("This conversation is blocked") && !blocked.text.contains("<textarea"))
            #expect(blocked.text.contains("Unblock"))
            #expect(try await browser.post(path + "/reopen", [:]).status == .seeOther)
            let reopened = try await browser.get(path)
            #expect(try await Conversation.find(a.conversationID, on: app.db)?.status == .open)
            #expect(reopened.text.contains("<textarea") && !reopened.text.contains("Unblock"))
            let actions = try await AuditEvent.query(on: app.db).filter(\.$workspaceID == a.id).all().map(\.action)
            #expect(actions.contains("conversation.archived") && actions.contains("conversation.blocked") && actions.contains("conversation.reopened"))
        }
    }

    @Test("a contact's name and a search are escaped in text and in attributes")
    func escaping() async throws {
        try await withTestApp(clock: TestClock()) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let hostile = try await Seed.conversation(app, workspaceID: a.id, accountID: a.accountID, name: #""><script>alert(1)</script>"#)
            let browser = try await AccountPagesTests.signedIn(app, as: "agent@alpha.test")

            for path in ["/dashboard/inbox", "/dashboard/inbox/\(hostile)", "/dashboard/inbox?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok)
                #expect(!page.text.contains("<script>alert(1)") && page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path)")
            }
        }
    }
}
