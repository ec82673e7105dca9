import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Conversations API")
struct ConversationAPITests {
    struct Page<Item: Decodable>: Decodable {
        var items: [Item]
        var nextCursor: String?
        var hasMore: Bool
    }

    @Test("the list is newest first, filters by status, unread and search, and pages with a cursor")
    func list() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let base = Date(timeIntervalSince1970: 1_700_000_000)
            var ids: [UUID] = []
            for (index, name) in ["Ada Lovelace", "Grace Hopper", "Linus", "Barbara Liskov", "Edsger"].enumerated() {
                ids.append(try await Seed.conversation(app, workspaceID: ws.id, accountID: ws.accountID, name: name,
                                                       waID: "4915100000\(index)", at: base.addingTimeInterval(Double(index) * 60),
                                                       unread: index % 2))
            }
            let key = ws.key(.agent)

            var seen: [UUID] = []
            var cursor: String?
            repeat {
                let path = "/api/v1/conversations?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let reply = try await app.send(.GET, path, key: key)
                #expect(reply.status == .ok)
                let page = try reply.decode(Page<ConversationDTO>.self)
                #expect(page.items.count <= 2)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
                #expect(page.hasMore == (cursor != nil))
            } while cursor != nil
            // The seeded conversation is the newest (the clock's now); then the five, newest first.
            #expect(seen == [ws.conversationID] + ids.reversed())

            let unread = try await app.send(.GET, "/api/v1/conversations?unread=true", key: key).decode(Page<ConversationDTO>.self)
            #expect(Set(unread.items.map(\.id)) == [ws.conversationID, ids[1], ids[3]])

            let byName = try await app.send(.GET, "/api/v1/conversations?search=hopper", key: key).decode(Page<ConversationDTO>.self)
            #expect(byName.items.map(\.id) == [ids[1]])
            #expect(byName.items.first?.contact.profileName == "Grace Hopper")
            let byNumber = try await app.send(.GET, "/api/v1/conversations?search=%2B49151000004", key: key).decode(Page<ConversationDTO>.self)
            #expect(byNumber.items.map(\.id) == [ids[4]])
            let wildcard = try await app.send(.GET, "/api/v1/conversations?search=%25", key: key).decode(Page<ConversationDTO>.self)
            #expect(wildcard.items.isEmpty)

            _ = try await app.send(.POST, "/api/v1/conversations/\(ids[2])/archive", key: ws.key(.manager))
            let archived = try await app.send(.GET, "/api/v1/conversations?status=archived", key: key).decode(Page<ConversationDTO>.self)
            #expect(archived.items.map(\.id) == [ids[2]])
            let open = try await app.send(.GET, "/api/v1/conversations?status=open", key: key).decode(Page<ConversationDTO>.self)
            #expect(open.items.count == 5)

            let bad = try await app.send(.GET, "/api/v1/conversations?cursor=nonsense", key: key)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.fieldErrors == ["cursor"])
        }
    }

    @Test("read clears unread; archive, block and reopen change the status and are audited; an inbound keeps the status")
    func actions() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            #expect(try await app.deliver(Hooks.text(account, wamid: "wamid.C1", from: "15550001111"), signedWith: account.appSecret).status == .ok)
            let conversation = try #require(try await Conversation.query(on: app.db).filter(\.$accountID == account.id).first())
            let id = try conversation.requireID()

            // Agents work the inbox: they may mark read, archive and block.
            let read = try await app.send(.POST, "/api/v1/conversations/\(id)/read", key: ws.key(.agent))
            #expect(read.status == .ok)
            #expect(try read.decode(ConversationDTO.self).unreadCount == 0)

            let archived = try await app.send(.POST, "/api/v1/conversations/\(id)/archive", key: ws.key(.manager))
            #expect(try archived.decode(ConversationDTO.self).status == .archived)
            #expect(try await app.deliver(Hooks.text(account, wamid: "wamid.C2", from: "15550001111"), signedWith: account.appSecret).status == .ok)
            let after = try await app.send(.GET, "/api/v1/conversations/\(id)", key: ws.key(.agent)).decode(ConversationDTO.self)
            #expect(after.status == .archived)
            #expect(after.unreadCount == 1)

            let blocked = try await app.send(.POST, "/api/v1/conversations/\(id)/block", key: ws.key(.admin))
            #expect(try blocked.decode(ConversationDTO.self).status == .blocked)
            let reopened = try await app.send(.POST, "/api/v1/conversations/\(id)/reopen", key: ws.key(.agent))
            #expect(try reopened.decode(ConversationDTO.self).status == .open)
            let open = try await app.send(.GET, "/api/v1/conversations?status=open", key: ws.key(.agent)).decode(Page<ConversationDTO>.self)
            #expect(open.items.map(\.id).contains(id))
            let actions = try await AuditEvent.query(on: app.db).filter(\.$targetID == id.uuidString).all().map(\.action)
            #expect(Set(actions) == ["conversation.archived", "conversation.blocked", "conversation.reopened"])
        }
    }

    @Test("messages of a conversation are newest first and page with a cursor")
    func messages() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id)
            for index in 0..<5 {
                let body = Hooks.text(account, wamid: "wamid.M\(index)", from: "15550002222", body: "message \(index)", at: 1_790_000_000 + index)
                #expect(try await app.deliver(body, signedWith: account.appSecret).status == .ok)
            }
            let conversation = try #require(try await Conversation.query(on: app.db).filter(\.$accountID == account.id).first())
            var wamids: [String] = []
            var cursor: String?
            repeat {
                let path = "/api/v1/conversations/\(try conversation.requireID())/messages?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await app.send(.GET, path, key: ws.key(.agent)).decode(Page<MessageDTO>.self)
                wamids += page.items.compactMap(\.wamid)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(wamids == ["wamid.M4", "wamid.M3", "wamid.M2", "wamid.M1", "wamid.M0"])

            let missing = try await app.send(.GET, "/api/v1/conversations/\(UUID())/messages", key: ws.key(.agent))
            #expect(missing.status == .notFound)
        }
    }
}
