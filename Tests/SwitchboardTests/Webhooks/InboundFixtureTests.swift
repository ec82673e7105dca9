import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor
import WhatsAppCloud
import WhatsAppFixtures

@Suite("Inbound webhook fixtures")
struct InboundFixtureTests {
    /// The fixture with its numbers replaced by `account`'s and its message and status ids made unique
    /// (fixtures reuse ids, and a reused id would be deduplicated away).
    static func rewrite(_ body: Data, for account: HookAccount, index: Int) throws -> Data {
        var json = try JSONDecoder().decode(JSONValue.self, from: body)
        guard case .object(var root) = json, case .array(let entries)? = root["entry"] else { return body }
        root["entry"] = .array(entries.enumerated().map { e, entry in
            guard case .object(var entryObject) = entry else { return entry }
            entryObject["id"] = .string(account.wabaID)
            if case .array(let changes)? = entryObject["changes"] {
                entryObject["changes"] = .array(changes.enumerated().map { c, change in
                    guard case .object(var changeObject) = change, case .object(var value)? = changeObject["value"] else { return change }
                    if case .object(var metadata)? = value["metadata"] {
                        metadata["phone_number_id"] = .string(account.phoneNumberID)
                        value["metadata"] = .object(metadata)
                    }
                    for key in ["messages", "statuses"] {
                        guard case .array(let items)? = value[key] else { continue }
                        value[key] = .array(items.enumerated().map { i, item in
                            guard case .object(var object) = item, object["id"] != nil else { return item }
                            object["id"] = .string("wamid.fx\(index).\(e).\(c).\(key).\(i)")
                            return .object(object)
                        })
                    }
                    changeObject["value"] = .object(value)
                    return .object(changeObject)
                })
            }
            return .object(entryObject)
        })
        json = .object(root)
        return try JSONEncoder().encode(json)
    }

    @Test("every pywa and Meta webhook body is accepted and becomes the right rows")
    func everyFixture() async throws {
        let fixtures = try Fixtures.webhookBodies()
        #expect(fixtures.count > 50)
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "fixtures")
            let account = try await Hooks.account(app, workspace: ws.id)
            var seen: [String: Int] = [:]
            for (index, fixture) in fixtures.enumerated() {
                let body = try Self.rewrite(fixture.bytes, for: account, index: index)
                let messagesBefore = try await Message.query(on: app.db).count()
                let eventsBefore = try await MessageStatusEvent.query(on: app.db).count()
                let reply = try await app.deliver(body, signedWith: account.appSecret)
                #expect(reply.status == .ok, "\(fixture.name): \(reply.text)")
                let delivery = try #require(try await WebhookDelivery.query(on: app.db).sort(\.$receivedAt, .descending).sort(\.$id).all()
                    .first { $0.body == String(decoding: body, as: UTF8.self) }, "\(fixture.name) not stored")
                #expect(delivery.parseError == nil, "\(fixture.name)")
                #expect(try await UnroutedChange.query(on: app.db).count() == 0, "\(fixture.name)")

                let payload = try JSONDecoder().decode(WebhookPayload.self, from: body)
                var expectedMessages = 0, expectedEvents = 0
                for change in payload.entry.flatMap(\.changes) {
                    guard case .messages(let value) = change.value else {
                        seen["field:" + change.field, default: 0] += 1
                        continue
                    }
                    for inbound in value.messages where inbound.from != nil || value.userID(of: inbound) != nil {
                        expectedMessages += 1
                        seen["message:" + inbound.type, default: 0] += 1
                        let row = try #require(try await Message.query(on: app.db).filter(\.$wamid == inbound.id).first(), "\(fixture.name)")
                        #expect(row.workspaceID == ws.id && row.accountID == account.id)
                        #expect(row.type == inbound.type, "\(fixture.name)")
                        #expect(row.direction == .inbound && row.status == .received)
                        let content = try JSONDecoder().decode(JSONValue.self, from: Data(row.content.utf8))
                        #expect(content == inbound.raw, "\(fixture.name)")
                        if case .text(let text) = inbound.content {
                            #expect(content["text"]?["body"]?.stringValue == text, "\(fixture.name)")
                        }
                        #expect(row.replyToWamid == inbound.context?.id, "\(fixture.name)")
                        let contact = try #require(try await Contact.find(row.contactID, on: app.db))
                        if let from = inbound.from { #expect(contact.waID == from, "\(fixture.name)") }
                        if let name = value.contacts.first(where: { $0.waID == inbound.from })?.profile?.name, !name.isEmpty {
                            #expect(contact.profileName == name, "\(fixture.name)")
                        }
                        let conversation = try #require(try await Conversation.find(row.conversationID, on: app.db))
                        #expect(conversation.unreadCount >= 1)
                        #expect(conversation.windowExpiresAt != nil)
                    }
                    for status in value.statuses {
                        expectedEvents += 1
                        seen["status:" + status.status.rawValue, default: 0] += 1
                        let event = try #require(try await MessageStatusEvent.query(on: app.db).filter(\.$wamid == status.id).first(), "\(fixture.name)")
                        #expect(event.status == status.status.rawValue)
                        #expect(event.messageID == nil)
                        #expect(event.errorCode == status.errors.first?.code, "\(fixture.name)")
                    }
                }
                #expect(try await Message.query(on: app.db).count() == messagesBefore + expectedMessages, "\(fixture.name)")
                #expect(try await MessageStatusEvent.query(on: app.db).count() == eventsBefore + expectedEvents, "\(fixture.name)")
            }
            #expect(try await WebhookDelivery.query(on: app.db).count() == fixtures.count)
            // The fixtures cover the kinds this test is meant to check.
            #expect(seen["message:text", default: 0] > 0)
            #expect(seen["message:image", default: 0] > 0)
            #expect(seen["status:read", default: 0] > 0)
            #expect(seen["status:failed", default: 0] > 0)
            #expect(seen["field:account_update", default: 0] > 0)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "meta.account_update").count()
            #expect(audited == seen["field:account_update", default: 0])
        }
    }
}
