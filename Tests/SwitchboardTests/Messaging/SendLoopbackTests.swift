import Fluent
import Foundation
import Sandbox
@testable import Switchboard
import Testing
import Vapor
import WhatsAppCloud

@Suite("Sending end to end through the emulator")
struct SendLoopbackTests {
    /// One body of every type the Cloud API sends, in its own shape.
    static func bodies(to user: String, replyingTo wamid: String) -> [(String, [String: Any])] {
        let link = "https://example.com/files/sample"
        return [
            ("text", ["type": "text", "text": ["body": "Your order shipped"]]),
            ("image", ["type": "image", "image": ["link": link + ".jpg", "caption": "The parcel"]]),
            ("audio", ["type": "audio", "audio": ["link": link + ".ogg"]]),
            ("video", ["type": "video", "video": ["link": link + ".mp4"]]),
            ("document", ["type": "document", "document": ["link": link + ".pdf", "filename": "invoice.pdf"]]),
            ("sticker", ["type": "sticker", "sticker": ["link": link + ".webp"]]),
            ("location", ["type": "location", "location": ["latitude": 52.52, "longitude": 13.405, "name": "Depot"]]),
            ("contacts", ["type": "contacts", "contacts": [["name": ["formatted_name": "Ada Lovelace", "first_name": "Ada"],
                                                          "phones": [["phone": "+14155550123", "type": "WORK"]]]]]),
            ("reaction", ["type": "reaction", "reaction": ["message_id": wamid, "emoji": "👍"]]),
            ("interactive", ["type": "interactive", "interactive": [
                "type": "button", "body": ["text": "Did it arrive?"],
                "action": ["buttons": [["type": "reply", "reply": ["id": "yes", "title": "Yes"]],
                                       ["type": "reply", "reply": ["id": "no", "title": "No"]]]]]]),
            ("template", ["type": "template", "template": ["name": "hello_world", "language": ["code": "en_US"]]]),
        ].map { name, body in (name, body.merging(["to": "+" + user]) { first, _ in first }) }
    }

    @Test("every message type goes queued, sending, sent, delivered, read through real signed webhooks")
    func everyType() async throws {
        try await withSendRig { rig in
            let user = "15557770001"
            let inbound = try await rig.inbound(from: user)
            var ids: [String: UUID] = [:]
            for (name, body) in Self.bodies(to: user, replyingTo: inbound.wamid!) { ids[name] = try await rig.accepted(body) }
            for (name, id) in ids {
                let message = try await rig.wait(for: id, status: .read)
                #expect(message.type == name)
                #expect(message.accountId == rig.accountID)
                #expect(message.wamid != nil)
                let steps = message.history.map(\.status)
                for step in ["queued", "sending", "sent", "delivered", "read"] { #expect(steps.contains(step), "\(name): \(steps)") }
                #expect(steps.first == "queued")
                #expect(steps.last == "read")
            }
            // Each went out once, carrying our message id as callback data.
            let counts = await rig.sandbox.state.callbackDataCounts(for: rig.phoneNumberID)
            #expect(Set(counts.keys) == Set(ids.values.map(\.uuidString)))
            #expect(counts.values.allSatisfy { $0 == 1 })
        }
    }

    @Test("an inbound message opens the window and a reply goes out on the same account, in reply to it")
    func replyInWindow() async throws {
        try await withSendRig { rig in
            let user = "15557770002"
            let closed = try await rig.send(["to": "+" + user, "type": "text", "text": ["body": "Hi"]])
            #expect(closed.status == .unprocessableEntity)
            #expect(closed.problemType == "window_closed")

            let inbound = try await rig.inbound(from: user, text: "Where is my parcel?")
            let id = try await rig.accepted(["to": "+" + user, "type": "text", "text": ["body": "On its way"],
                                             "replyTo": inbound.id!.uuidString])
            let reply = try await rig.wait(for: id, status: .read)
            #expect(reply.replyToWamid == inbound.wamid)
            #expect(reply.conversationId == inbound.conversationID)
            #expect(reply.decision?.step == .conversation)
            let sent = try #require(await rig.sandbox.state.sentMessages(for: rig.phoneNumberID).first { $0.bizOpaqueCallbackData == id.uuidString })
            #expect(sent.to == user)
        }
    }

    @Test("at 30% retryable errors every message is delivered, each accepted by the provider exactly once")
    func retryableFaults() async throws {
        try await withSendRig { rig in
            await rig.setFaults(Faults(rate429: 0.1, rate5xx: 0.2))
            var ids: [UUID] = []
            for index in 0..<30 {
                ids.append(try await rig.accepted(["to": "+1555888\(String(format: "%04d", index))", "type": "template",
                                                   "template": ["name": "hello_world", "language": ["code": "en_US"]]]))
            }
            for id in ids { try await rig.wait(for: id, status: .read, timeout: 60) }
            let stats = await rig.sandbox.state.stats()
            #expect(stats.graphErrors.values.reduce(0, +) > 0, "the faults were rolled")
            let counts = await rig.sandbox.state.callbackDataCounts(for: rig.phoneNumberID)
            #expect(counts.count == 30)
            #expect(counts.values.allSatisfy { $0 == 1 })
            let retried = try await MessageHistory.query(on: rig.app.db).filter(\.$status == "retrying").count()
            #expect(retried == stats.graphErrors.values.reduce(0, +))
        }
    }

    @Test("a permanent error fails the message at once with Meta's code, and is never retried")
    func permanentError() async throws {
        try await withSendRig { rig in
            await rig.setFaults(Faults(errorCode: 131026))
            let id = try await rig.accepted(["to": "+15557770003", "type": "template",
                                             "template": ["name": "hello_world", "language": ["code": "en_US"]]])
            let failed = try await rig.wait(for: id, status: .failed)
            #expect(failed.errorCode == 131026)
            #expect(failed.errorDetail?.isEmpty == false)
            #expect(failed.history.map(\.status) == ["queued", "sending", "failed"])
            try await Task.sleep(for: .milliseconds(300))
            let stats = await rig.sandbox.state.stats()
            #expect(stats.graphErrors["131026"] == 1)
            #expect(try await OutboxItem.query(on: rig.app.db).count() == 0)
        }
    }

    @Test("duplicated and reordered status webhooks leave one message at read")
    func duplicatedAndReordered() async throws {
        try await withSendRig { rig in
            await rig.setFaults(Faults(duplicateWebhookRate: 1, reorderWebhooks: true))
            var ids: [UUID] = []
            for index in 0..<5 {
                ids.append(try await rig.accepted(["to": "+1555666000\(index)", "type": "template",
                                                   "template": ["name": "hello_world", "language": ["code": "en_US"]]]))
            }
            for id in ids {
                let message = try await rig.wait(for: id, status: .read)
                // Read came first; delivered and sent follow, twice each, and none of them moves the message back.
                let deadline = Date().addingTimeInterval(10)
                var events = 0
                while events < 3 && Date() < deadline {
                    try await Task.sleep(for: .milliseconds(25))
                    events = try await MessageStatusEvent.query(on: rig.app.db).filter(\.$wamid == message.wamid!).count()
                }
                #expect(events == 3)
                #expect(try await rig.message(id).status == .read)
            }
            let stats = await rig.sandbox.state.stats()
            #expect(stats.webhooksDuplicated >= 15)
            #expect(try await Message.query(on: rig.app.db).filter(\.$direction == .outbound).count() == 5)
        }
    }

    @Test("a refused token marks the account reauth_required and holds its queue until it is fixed")
    func reauthorization() async throws {
        try await withSendRig { rig in
            await rig.setFaults(Faults(errorCode: 190))
            let id = try await rig.accepted(["to": "+15557770004", "type": "template",
                                             "template": ["name": "hello_world", "language": ["code": "en_US"]]])
            var account = try #require(try await WhatsAppAccount.find(rig.accountID, on: rig.app.db))
            let deadline = Date().addingTimeInterval(10)
            while account.status != .reauthRequired && Date() < deadline {
                try await Task.sleep(for: .milliseconds(25))
                account = try #require(try await WhatsAppAccount.find(rig.accountID, on: rig.app.db))
            }
            #expect(account.status == .reauthRequired)
            try await Task.sleep(for: .milliseconds(300))
            let held = try await rig.message(id)
            #expect(held.status == .queued)
            #expect(held.history.map(\.status).filter { $0 == "sending" }.count == 1, "the queue stopped")
            #expect(try await WorkspaceEvent.query(on: rig.app.db).filter(\.$kind == EventKind.accountStatusChanged.rawValue).count() == 1)

            await rig.setFaults(Faults())
            let verified = try await rig.app.send(.POST, "/api/v1/whatsapp-accounts/\(rig.accountID)/verify", key: rig.ws.key(.admin))
            #expect(verified.status == .ok, "\(verified.text)")
            let sent = try await rig.wait(for: id, status: .read)
            #expect(sent.history.filter { $0.status == "held" }.count == 1)
        }
    }

    @Test("an account's rate holds in every one-second window at the emulator")
    func accountPacing() async throws {
        try await withSendRig { rig in
            try await rig.app.db.sql.update("whatsapp_accounts").set("messages_per_second", to: 10).where("id", .equal, rig.accountID).run()
            var ids: [UUID] = []
            for index in 0..<35 {
                ids.append(try await rig.accepted(["to": "+1555444\(String(format: "%04d", index))", "type": "template",
                                                   "template": ["name": "hello_world", "language": ["code": "en_US"]]]))
            }
            for id in ids { try await rig.wait(for: id, status: .read, timeout: 20) }
            let times = await rig.sandbox.state.sentMessages(for: rig.phoneNumberID).map(\.acceptedAtMs).sorted()
            #expect(times.count == 35)
            #expect(SendRigMath.maxInAnyWindow(times, windowMs: 1000) <= 10)
            #expect(times.last! - times.first! >= 3000, "35 messages at 10/s take at least 3.4 s")
        }
    }

    @Test("messages to one recipient follow the pair rate after a burst")
    func pairPacing() async throws {
        try await withSendRig { rig in
            let user = "15557770005"
            var ids: [UUID] = []
            for _ in 0..<(SendPacing.pairBurst + 1) {
                ids.append(try await rig.accepted(["to": "+" + user, "type": "template",
                                                   "template": ["name": "hello_world", "language": ["code": "en_US"]]]))
            }
            let first = try await rig.message(ids[0])
            let item = try #require(try await OutboxItem.query(on: rig.app.db).filter(\.$messageID == ids.last!).first())
            // A burst goes at once; the one after it no sooner than one interval after the first.
            #expect(item.availableAt.timeIntervalSince(first.createdAt) >= SendPacing.pairInterval - 0.01)
            for id in ids { try await rig.wait(for: id, status: .read, timeout: 20) }
            let times = await rig.sandbox.state.sentMessages(for: rig.phoneNumberID).map(\.acceptedAtMs).sorted()
            #expect(times.last! - times.first! >= Int64(SendPacing.pairInterval * 1000) - 1100)
        }
    }
}

enum SendRigMath {
    /// The most timestamps (ms) that fall in any window of `windowMs`.
    static func maxInAnyWindow(_ sorted: [Int64], windowMs: Int64) -> Int {
        var best = 0
        var start = 0
        for end in sorted.indices {
            while sorted[end] - sorted[start] >= windowMs { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }
}
