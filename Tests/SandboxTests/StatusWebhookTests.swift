import Foundation
import Sandbox
import Testing
import WhatsAppCloud

/// Status webhooks reach a real receiver, signed, decodable, in the order and number the faults say.
@Suite struct StatusWebhookTests {
    /// Verifies every delivery's signature and returns the statuses they carry, in arrival order.
    static func statuses(_ deliveries: [WebhookReceiver.Delivery]) -> [Status] {
        deliveries.flatMap { delivery -> [Status] in
            #expect(WebhookSignature.verify(body: delivery.body, header: delivery.signature, appSecret: Harness.appSecret) == .valid)
            guard let payload = delivery.payload else {
                Issue.record("undecodable webhook")
                return []
            }
            #expect(payload.object == "whatsapp_business_account")
            return payload.entry.flatMap(\.changes).flatMap { change -> [Status] in
                guard case .messages(let value) = change.value else { return [] }
                #expect(value.metadata.phoneNumberID == Harness.phoneNumberId && value.metadata.displayPhoneNumber == "15550100199")
                return value.statuses
            }
        }
    }

    static func send(_ harness: Harness, tracker: String? = nil) async throws -> String {
        try await harness.client.sendMessage(phoneNumberID: Harness.phoneNumberId, .text("hi", tracker: tracker)).messageIDs[0]
    }

    @Test func sentDeliveredReadInOrderWithRealisticDelays() async throws {
        let timing = WebhookTiming(sentDelayMs: 20, deliveredDelayMs: 120, readDelayMs: 250)
        try await Harness.with(timing: timing) { harness in
            try await harness.inject(type: "text", ["body": "hi"])
            let inbound = try await harness.receiver.wait(for: 1).count
            let start = ContinuousClock.now
            let wamid = try await Self.send(harness, tracker: "gw-42")
            let deliveries = try await harness.receiver.wait(for: inbound + 3)
            #expect(ContinuousClock.now - start >= .milliseconds(250))
            let statuses = Self.statuses(Array(deliveries.dropFirst(inbound)))
            #expect(statuses.map(\.status) == [.sent, .delivered, .read])
            #expect(statuses.allSatisfy { $0.id == wamid && $0.recipientID == Harness.user && $0.bizOpaqueCallbackData == "gw-42" })
            #expect(statuses[0].conversation?.expirationTimestamp != nil && statuses[1].conversation?.expirationTimestamp == nil)
            #expect(statuses[0].pricing?.category == "service" && statuses[0].pricing?.type == "free_customer_service")
            // The sandbox records a status once its delivery finishes, which can be a moment after the receiver has it.
            var recorded: [String]? = nil
            for _ in 0..<100 {
                recorded = await harness.state.sentMessages(for: Harness.phoneNumberId).first?.statuses
                if recorded == ["sent", "delivered", "read"] { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(recorded == ["sent", "delivered", "read"])
        }
    }

    @Test func readsCanBeTurnedOff() async throws {
        try await Harness.with(timing: WebhookTiming(instant: true, sendsReads: false)) { harness in
            let hello = OutgoingMessage(to: Harness.user, content: .template(Template(name: "hello_world", language: .init(code: "en_US"))))
            _ = try await harness.client.sendMessage(phoneNumberID: Harness.phoneNumberId, hello)
            let statuses = Self.statuses(try await harness.receiver.wait(for: 2))
            try await Task.sleep(for: .milliseconds(200))
            #expect(await harness.receiver.inbox.deliveries.count == 2)
            #expect(statuses.map(\.status) == [.sent, .delivered])
            #expect(statuses[0].pricing?.category == "utility" && statuses[0].pricing?.type == "regular")
        }
    }

    @Test func injectedFailureArrivesAsFailedStatus() async throws {
        try await Harness.with { harness in
            await harness.state.openWindow(phoneNumberId: Harness.phoneNumberId, user: Harness.user)
            await harness.state.setFaults(Faults(failedStatusCode: 131026), for: Harness.phoneNumberId)
            _ = try await Self.send(harness)
            let statuses = Self.statuses(try await harness.receiver.wait(for: 1))
            #expect(statuses.map(\.status) == [.failed])
            #expect(statuses.first?.errors.first?.code == 131026)
            #expect(statuses.first?.errors.first?.title == "Message undeliverable")
            #expect(statuses.first?.errors.first?.errorClass == .permanent)
        }
    }

    @Test func duplicatedDroppedAndReorderedWebhooks() async throws {
        try await Harness.with { harness in
            await harness.state.openWindow(phoneNumberId: Harness.phoneNumberId, user: Harness.user)
            await harness.state.setFaults(Faults(duplicateWebhookRate: 1), for: Harness.phoneNumberId)
            _ = try await Self.send(harness)
            #expect(Self.statuses(try await harness.receiver.wait(for: 6)).map(\.status) == [.sent, .sent, .delivered, .delivered, .read, .read])

            await harness.state.setFaults(Faults(reorderWebhooks: true), for: Harness.phoneNumberId)
            _ = try await Self.send(harness)
            #expect(Self.statuses(Array(try await harness.receiver.wait(for: 9).suffix(3))).map(\.status) == [.read, .delivered, .sent])

            await harness.state.setFaults(Faults(dropWebhookRate: 1), for: Harness.phoneNumberId)
            _ = try await Self.send(harness)
            try await Task.sleep(for: .milliseconds(300))
            #expect(await harness.receiver.inbox.deliveries.count == 9)
            let stats = await harness.state.stats()
            #expect(stats.webhooksDropped == 3 && stats.webhooksDuplicated == 3 && stats.webhooksDelivered == 9)
        }
    }

    @Test func refusedDeliveriesAreRetried() async throws {
        try await Harness.with(refusingFirst: 2) { harness in
            try await harness.inject(type: "text", ["body": "hi"])
            let statuses = Self.statuses(try await harness.receiver.wait(for: 1))
            #expect(statuses.isEmpty)
            let stats = await harness.state.stats()
            #expect(stats.webhookAttemptsFailed == 2 && stats.webhooksDelivered == 1)
        }
    }

    /// The gateway's own message id travels in `biz_opaque_callback_data`; the counts reveal duplicate sends.
    @Test func callbackDataCountsRevealDuplicates() async throws {
        try await Harness.with { harness in
            await harness.state.openWindow(phoneNumberId: Harness.phoneNumberId, user: Harness.user)
            for tracker in ["gw-1", "gw-2", "gw-1", "gw-3", "gw-1"] { _ = try await Self.send(harness, tracker: tracker) }
            _ = try await Self.send(harness)
            let (status, report) = try await harness.call(.GET, "/sandbox/numbers/\(Harness.phoneNumberId)/sent")
            #expect(status == 200)
            #expect(report["callbackDataCounts"] == ["gw-1": 3, "gw-2": 1, "gw-3": 1])
            #expect(report["duplicateCallbackData"] == ["gw-1": 3])
            #expect(report["messages"]?.arrayValue.count == 6)
            #expect(report["messages"]?[1]?["bizOpaqueCallbackData"] == "gw-2")
        }
    }
}
