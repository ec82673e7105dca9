import Foundation
import Sandbox
import Testing
import WhatsAppCloud
import WhatsAppFixtures

/// Every inbound message type found in pywa's and Meta's webhook samples, injected with the sample's own
/// payload, reaches the receiver signed and decodes to the same content as the sample.
@Suite struct InboundTests {
    /// (sample name, type, payload, the content the sample itself decodes to).
    static func samples() throws -> [(name: String, type: String, payload: JSONValue?, content: InboundContent)] {
        var found: [(String, String, JSONValue?, InboundContent)] = []
        for (name, bytes) in try Fixtures.webhookBodies() {
            guard let payload = try? JSONDecoder().decode(WebhookPayload.self, from: bytes) else { continue }
            for change in payload.entry.flatMap(\.changes) {
                guard case .messages(let value) = change.value else { continue }
                for message in value.messages where InboundInjection.types.contains(message.type) && message.groupID == nil {
                    // pywa's `interactive_message_with_err` has no `interactive` object, only errors.
                    if case .unknown = message.content { continue }
                    found.append((name, message.type, message.raw[message.type], message.content))
                }
            }
        }
        return found
    }

    @Test func everyFixtureTypeIsDeliveredAndDecoded() async throws {
        let samples = try Self.samples()
        let types = Set(samples.map(\.type))
        #expect(types.isSuperset(of: ["text", "image", "audio", "video", "document", "sticker", "location", "contacts", "interactive", "button", "reaction", "order", "system", "unsupported"]))
        try await Harness.with { harness in
            for (index, sample) in samples.enumerated() {
                var body: [String: JSONValue] = [
                    "phoneNumberId": .string(Harness.phoneNumberId), "from": "16505550000", "type": .string(sample.type),
                    "userId": "US.555", "profileName": "Kerry",
                ]
                body[sample.type] = sample.payload
                let (status, answer) = try await harness.call(.POST, "/sandbox/inbound", json: .object(body))
                #expect(status == 200, "\(sample.name)")
                #expect(answer["delivery"]?["delivered"] == true, "\(sample.name)")
                let delivery = try await harness.receiver.wait(for: index + 1)[index]
                #expect(WebhookSignature.verify(body: delivery.body, header: delivery.signature, appSecret: Harness.appSecret) == .valid)
                guard case .messages(let value)? = delivery.payload?.entry.first?.changes.first?.value, let message = value.messages.first else {
                    Issue.record("\(sample.name): not a messages webhook")
                    continue
                }
                #expect(message.id == answer["wamid"]?.stringValue && message.from == "16505550000", "\(sample.name)")
                #expect(message.content == sample.content, "\(sample.name)")
                #expect(value.userID(of: message) == "US.555" && value.contacts.first?.profile?.name == "Kerry")
            }
        }
    }

    /// Media without an id get a stored placeholder the gateway can download with its token.
    @Test func injectedMediaCanBeDownloaded() async throws {
        try await Harness.with { harness in
            try await harness.inject(type: "image", ["caption": "look"])
            guard case .messages(let value)? = try await harness.receiver.wait(for: 1)[0].payload?.entry[0].changes[0].value,
                case .image(let image)? = value.messages.first?.content
            else {
                Issue.record("no image")
                return
            }
            #expect(image.caption == "look")
            let (info, bytes) = try await harness.client.downloadMedia(id: image.id)
            #expect(Array(bytes.prefix(8)) == PNGWriter.signature && info.sha256 == image.sha256)
        }
    }

    @Test func inboundOpensTheWindowButSystemNoticesDoNot() async throws {
        try await Harness.with { harness in
            let user = "4915112345678"
            func send() async -> GraphClientError? {
                await Harness.failure { _ = try await harness.client.sendMessage(phoneNumberID: Harness.phoneNumberId, .text("hi", to: "+" + user)) }
            }
            #expect(await send()?.graphError?.code == 131047)
            try await harness.inject(from: user, type: "system", ["body": "changed", "type": "user_changed_number"])
            #expect(await send()?.graphError?.code == 131047)
            try await harness.inject(from: user, type: "text", "hello")
            #expect(await send() == nil)
        }
    }

    @Test func badInjectionsAreRefused() async throws {
        try await Harness.with { harness in
            let unknownType = try await harness.call(.POST, "/sandbox/inbound", json: ["phoneNumberId": .string(Harness.phoneNumberId), "from": "1", "type": "hologram"])
            #expect(unknownType.status == 400)
            let noPayload = try await harness.call(.POST, "/sandbox/inbound", json: ["phoneNumberId": .string(Harness.phoneNumberId), "from": "1", "type": "text"])
            #expect(noPayload.status == 400)
            let raw = Array(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)
            let delivered = await harness.sandbox.deliverRaw(raw, phoneNumberId: Harness.phoneNumberId)
            #expect(delivered?.delivered == true)
            let received = try await harness.receiver.wait(for: 1)[0]
            #expect(received.body == raw)
            #expect(WebhookSignature.verify(body: received.body, header: received.signature, appSecret: Harness.appSecret) == .valid)
        }
    }
}
