import Foundation
import Sandbox
import Testing
import WhatsAppCloud
import WhatsAppFixtures

/// Sends through `GraphClient` over loopback, the way the gateway will.
@Suite struct GraphSendTests {
    /// The template a Meta example needs: as many header and body placeholders as it sends parameters.
    static func template(for example: JSONValue, name: String) -> TemplateDefinition {
        var components: [JSONValue] = []
        for component in example["template"]?["components"]?.arrayValue ?? [] {
            let parameters = component["parameters"]?.arrayValue ?? []
            let placeholders = (1...max(1, parameters.count)).map { "{{\($0)}}" }.prefix(parameters.count).joined(separator: " ")
            switch component["type"]?.stringValue {
            case "header":
                let type = parameters.first?["type"]?.stringValue?.uppercased() ?? "TEXT"
                components.append(type == "TEXT" ? ["type": "HEADER", "format": "TEXT", "text": .string(placeholders)] : ["type": "HEADER", "format": .string(type)])
            case "body": components.append(["type": "BODY", "text": .string("Body " + placeholders)])
            default: break
            }
        }
        let language = example["template"]?["language"]?["code"]?.stringValue ?? "en_US"
        return TemplateDefinition(name: name, language: language, category: "UTILITY", components: components)
    }

    @Test func everyMetaSendExampleIsAccepted() async throws {
        let examples = try Fixtures.metaExampleBodies(in: "meta-send-examples")
        #expect(examples.count == 50)
        try await Harness.with { harness in
            try await harness.inject(type: "text", ["body": "hello"])
            var sent = 0
            for (index, example) in examples.enumerated() {
                guard case .object(var body) = example.body else { Issue.record("\(example.name) is not an object"); continue }
                // Meta's examples carry placeholders such as {{Recipient-Phone-Number}} and http(s)://image-url.
                if body["to"] != nil { body["to"] = .string(Harness.user) }
                for type in ["image", "audio", "video", "document", "sticker"] {
                    if case .object(var media) = body[type], media["link"]?.stringValue?.contains("http(s):") == true {
                        media["link"] = .string("https://example.com/\(type)")
                        body[type] = .object(media)
                    }
                }
                if let name = body["template"]?["name"]?.stringValue, name != "hello_world" {
                    let renamed = "example_\(index)"
                    _ = try await harness.client.createTemplate(wabaID: harness.wabaId, Self.template(for: example.body, name: renamed))
                    if case .object(var template) = body["template"] {
                        template["name"] = .string(renamed)
                        body["template"] = .object(template)
                    }
                }
                switch try decode(MessagesRequest.self, from: .object(body)) {
                case .message(let message):
                    do {
                        let answer = try await harness.client.sendMessage(phoneNumberID: Harness.phoneNumberId, message)
                        #expect(answer.messageIDs.count == 1 && answer.messageIDs[0].hasPrefix("wamid."), "\(example.name)")
                        #expect(answer.contacts.first?.waID == Harness.user, "\(example.name)")
                        sent += 1
                    } catch {
                        Issue.record("\(example.name): \(error)")
                    }
                case .readReceipt(let receipt):
                    try await harness.client.markAsRead(
                        phoneNumberID: Harness.phoneNumberId, messageID: receipt.messageID, showTypingIndicator: receipt.showsTypingIndicator)
                }
            }
            #expect(sent == 49)
            #expect(await harness.state.sentMessages(for: Harness.phoneNumberId).count == 49)
            #expect(await harness.state.stats().readReceipts == 1)
        }
    }

    @Test func freeFormNeedsAnOpenWindowButTemplatesDoNot() async throws {
        try await Harness.with { harness in
            let closed = await Harness.failure { _ = try await harness.client.sendMessage(phoneNumberID: Harness.phoneNumberId, .text("hi")) }
            #expect(closed?.graphError?.code == 131047)
            #expect(closed?.errorClass == .windowClosed)

            let hello = OutgoingMessage(to: Harness.user, content: .template(Template(name: "hello_world", language: .init(code: "en_US"))))
            let answer = try await harness.client.sendMessage(phoneNumberID: Harness.phoneNumberId, hello)
            #expect(answer.messages.first?.messageStatus == "accepted")

            // A business-scoped user id opens its own window and can be addressed with `recipient`.
            try await harness.inject(from: "15550001111", type: "text", ["body": "hi"], userId: "US.1234567890")
            let byUserID = OutgoingMessage(recipient: "US.1234567890", content: .text(Text(body: "hello")))
            #expect(try await harness.client.sendMessage(phoneNumberID: Harness.phoneNumberId, byUserID).messageIDs.count == 1)
        }
    }

    /// Every fault class comes back as what `GraphErrorClass` says the gateway should do.
    @Test func faultsAreClassified() async throws {
        try await Harness.with { harness in
            try await harness.inject(type: "text", ["body": "hello"])
            let pnid = Harness.phoneNumberId
            let client = harness.client
            func send(_ message: OutgoingMessage = .text("hi")) async -> GraphClientError? {
                await Harness.failure { _ = try await client.sendMessage(phoneNumberID: pnid, message) }
            }
            /// Posts `json` as the body of a send.
            func sendRaw(_ json: JSONValue) async throws -> GraphClientError? {
                var request = try client.api.sendMessage(phoneNumberID: pnid, .text("placeholder"))
                request.body = Array(try JSONEncoder().encode(json))
                let (status, body) = try await client.execute(request)
                return await Harness.failure { _ = try GraphResponse.checked(status: status, body: body) }
            }

            await harness.state.setFaults(Faults(rate429: 1), for: pnid)
            let throttled = await send()
            #expect(throttled?.httpStatus == 429 && throttled?.graphError?.code == 130429)
            #expect(throttled?.errorClass == .throttled(scope: .phoneNumber))

            await harness.state.setFaults(Faults(rate5xx: 1), for: pnid)
            let unavailable = await send()
            #expect(unavailable?.httpStatus == 503 && unavailable?.graphError?.isTransient == true)
            #expect(unavailable?.errorClass == .retryable)

            await harness.state.setFaults(Faults(errorCode: 131026), for: pnid)
            let injected = await send()
            #expect(injected?.graphError?.code == 131026 && injected?.errorClass == .permanent)

            await harness.state.setFaults(Faults(latencyMs: 150), for: pnid)
            let start = ContinuousClock.now
            _ = try await client.sendMessage(phoneNumberID: pnid, .text("slow"))
            #expect(ContinuousClock.now - start >= .milliseconds(150))
            await harness.state.setFaults(Faults(), for: pnid)

            let badToken = await Harness.failure { _ = try await harness.client(token: "wrong").sendMessage(phoneNumberID: pnid, .text("hi")) }
            #expect(badToken?.httpStatus == 401 && badToken?.graphError?.code == 190 && badToken?.graphError?.type == "OAuthException")
            #expect(badToken?.errorClass == .reauthorize)
            #expect(badToken?.graphError?.fbtraceID?.isEmpty == false)

            let unknownNumber = await Harness.failure { _ = try await client.sendMessage(phoneNumberID: "999", .text("hi")) }
            #expect(unknownNumber?.graphError?.code == 100 && unknownNumber?.graphError?.errorSubcode == 33)

            let missingTemplate = await send(OutgoingMessage(to: Harness.user, content: .template(Template(name: "nope", language: .init(code: "en_US")))))
            #expect(missingTemplate?.graphError?.code == 132001 && missingTemplate?.errorClass == .permanent)
            let wrongLanguage = await send(OutgoingMessage(to: Harness.user, content: .template(Template(name: "hello_world", language: .init(code: "de")))))
            #expect(wrongLanguage?.graphError?.code == 132001)

            let extraParameter = await send(
                OutgoingMessage(to: Harness.user, content: .template(Template(name: "hello_world", language: .init(code: "en_US"), components: [.body([.text("x")])]))))
            #expect(extraParameter?.graphError?.code == 132000 && extraParameter?.errorClass == .permanent)

            let tooLong = await send(.text(String(repeating: "a", count: 4097)))
            #expect(tooLong?.graphError?.code == 131009 && tooLong?.errorClass == .permanent)
            #expect(tooLong?.graphError?.errorData?.details?.contains("text.body") == true)

            let noBody = try await sendRaw(["messaging_product": "whatsapp", "to": .string(Harness.user), "type": "text", "text": [:]])
            #expect(noBody?.graphError?.code == 131008 && noBody?.errorClass == .permanent)
            let noProduct = try await sendRaw(["to": .string(Harness.user), "type": "text", "text": ["body": "hi"]])
            #expect(noProduct?.graphError?.code == 131008)

            let unknownType = try await sendRaw(["messaging_product": "whatsapp", "to": .string(Harness.user), "type": "hologram", "hologram": [:]])
            #expect(unknownType?.graphError?.code == 100 && unknownType?.errorClass == .permanent)
            let badShape = try await sendRaw(["messaging_product": "whatsapp", "to": .string(Harness.user), "type": "text", "text": ["body": 5]])
            #expect(badShape?.graphError?.code == 100)
            let badNumber = try await sendRaw(["messaging_product": "whatsapp", "to": "not-a-number", "type": "text", "text": ["body": "hi"]])
            #expect(badNumber?.graphError?.code == 100)

            let errors = await harness.state.stats().graphErrors
            #expect(errors["131009"] == 1 && errors["190"] == 1 && errors["130429"] == 1)
        }
    }
}
