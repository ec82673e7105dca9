import Foundation
import Testing
import WhatsAppCloud
import WhatsAppFixtures

/// Meta's 50 published request bodies for `POST /{phone-number-id}/messages`.
@Suite struct SendExamplesTests {
    static let examples = (try? Fixtures.metaExampleBodies(in: "meta-send-examples")) ?? []

    @Test func allFiftyExamplesArePresent() {
        #expect(Self.examples.count == 50)
    }

    @Test(arguments: examples.map(\.name))
    func decodesAndReencodesExactly(name: String) throws {
        let body = try #require(Self.examples.first { $0.name == name }?.body)
        let typed = try decode(MessagesRequest.self, from: body)
        #expect(try jsonValue(of: typed) == body)
    }

    private func example(_ name: String) throws -> JSONValue {
        try #require(Self.examples.first { $0.name == name }?.body)
    }

    @Test func textMessageBuiltInSwiftMatchesExample() throws {
        let message = OutgoingMessage(
            to: "{{Recipient-Phone-Number}}", recipientType: "individual",
            content: .text(Text(body: "text-message-content", previewURL: false)))
        #expect(try jsonValue(of: message) == example("send-text-message"))
    }

    @Test func imageByLinkBuiltInSwiftMatchesExample() throws {
        let message = OutgoingMessage(
            to: "{{Recipient-Phone-Number}}", recipientType: "individual", content: .image(.link("http(s)://image-url")))
        #expect(try jsonValue(of: message) == example("send-image-message-by-url"))
    }

    @Test func documentReplyBuiltInSwiftMatchesExample() throws {
        let message = OutgoingMessage(
            to: "{{Recipient-Phone-Number}}", recipientType: "individual",
            context: .init(messageID: "<MSGID_OF_MSG_YOU_ARE_REPLYING_TO>"),
            content: .document(
                .id("<DOCUMENT_OBJECT_ID>", caption: "<DOCUMENT_CAPTION_TO_SEND>", filename: "<DOCUMENT_FILENAME>")))
        #expect(try jsonValue(of: message) == example("send-reply-to-document-message-by-id"))
    }

    @Test func templateWithParametersBuiltInSwiftMatchesExample() throws {
        let template = Template(
            name: "template-name", language: .init(code: "language-and-locale-code"),
            components: [
                .header([.image(.link("http(s)://the-image-url"))]),
                .body([
                    .text("text-string"),
                    .currency(.init(fallbackValue: "$100.99", code: "USD", amount1000: 100_990)),
                    .dateTime(
                        .init(
                            fallbackValue: "February 25, 1977", calendar: "GREGORIAN", year: 1977, month: 2,
                            dayOfMonth: 25, dayOfWeek: 5, hour: 15, minute: 33)),
                ]),
                .button(.init(subType: .quickReply, index: 0, parameters: [.payload("aGlzIHRoaXMgaXMgY29v")])),
                .button(.init(subType: .quickReply, index: 1, parameters: [.payload("9rwnB8RbYmPF5t2Mn09x4h")])),
            ])
        let message = OutgoingMessage(
            to: "{{Recipient-Phone-Number}}", recipientType: "individual", content: .template(template))
        #expect(try jsonValue(of: message) == example("send-message-template-interactive"))
    }

    @Test func replyButtonsBuiltInSwiftMatchExample() throws {
        let interactive = Interactive(
            body: "<BUTTON_TEXT>",
            action: .buttons([
                ReplyButton(id: "<UNIQUE_BUTTON_ID_1>", title: "<BUTTON_TITLE_1>"),
                ReplyButton(id: "<UNIQUE_BUTTON_ID_2>", title: "<BUTTON_TITLE_2>"),
            ]))
        let message = OutgoingMessage(
            to: "{{Recipient-Phone-Number}}", recipientType: "individual", content: .interactive(interactive))
        #expect(try jsonValue(of: message) == example("send-reply-button"))
    }

    @Test func readReceiptBuiltInSwiftMatchesExample() throws {
        let receipt = ReadReceipt(
            messageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA=", showsTypingIndicator: true)
        #expect(try jsonValue(of: receipt) == example("send-typing-indicator-and-read-receipt"))
        #expect(try jsonValue(of: ReadReceipt(messageID: "m")) == ["messaging_product": "whatsapp", "status": "read", "message_id": "m"])
    }

    @Test func decodedExamplesHaveTheExpectedTypedShape() throws {
        let list = try decode(OutgoingMessage.self, from: example("send-reply-to-list-message"))
        #expect(list.includesTypeField == false)
        #expect(list.context?.messageID == "<MSGID_OF_PREV_MSG>")
        guard case .interactive(let interactive) = list.content, case .list(let action) = interactive.action else {
            Issue.record("expected a list message")
            return
        }
        #expect(action.sections.map(\.rows.count) == [2, 2])
        #expect(interactive.header == .text("<HEADER_TEXT>"))

        let flow = try decode(OutgoingMessage.self, from: example("send-draft-flow-by-name"))
        guard case .interactive(let flowMessage) = flow.content, case .flow(let parameters) = flowMessage.action else {
            Issue.record("expected a flow message")
            return
        }
        #expect(parameters.flow == .name("{{Flow-Name}}"))
        #expect(parameters.mode == "draft")
        #expect(parameters.actionPayload?.screen == "<SCREEN_ID>")

        let issue = try decode(OutgoingMessage.self, from: example("send-sample-issue-resolution-template"))
        guard case .template(let template) = issue.content, case .button(let yes) = template.components[1] else {
            Issue.record("expected a template with a button component")
            return
        }
        #expect(template.language.policy == "deterministic")
        #expect(yes.index == TemplateButton.Index(0, encodesAsNumber: true))
        #expect(yes.parameters == [.other(["type": "text", "text": true])])

        let reaction = try decode(OutgoingMessage.self, from: example("send-reply-with-reaction-message"))
        #expect(reaction.content == .reaction(Reaction(messageID: "wamid.HBgLM...", emoji: "😀")))
    }

    @Test func rejectsBodiesWithoutRecognisableContent() {
        #expect(throws: DecodingError.self) {
            try decode(OutgoingMessage.self, from: ["messaging_product": "whatsapp", "to": "1", "type": "hologram"])
        }
        #expect(throws: DecodingError.self) {
            try decode(OutgoingMessage.self, from: ["messaging_product": "whatsapp", "to": "1"])
        }
        #expect(throws: DecodingError.self) {
            try decode(Media.self, from: ["id": "1", "link": "https://x.example"])
        }
        #expect(throws: DecodingError.self) {
            try decode(MessagesRequest.self, from: ["messaging_product": "whatsapp", "status": "deleted", "message_id": "m"])
        }
    }

    @Test func unmodelledTemplateComponentsPassThrough() throws {
        let carousel: JSONValue = ["type": "carousel", "cards": [["card_index": 0, "components": [["type": "header", "parameters": [["type": "image", "image": ["id": "1"]]]]]]]]
        let body: JSONValue = [
            "messaging_product": "whatsapp", "to": "1", "type": "template",
            "template": ["name": "summer", "language": ["code": "en"], "components": [["type": "body", "parameters": [["type": "coupon_code", "coupon_code": "SAVE10"]]], carousel]],
        ]
        let message = try decode(OutgoingMessage.self, from: body)
        guard case .template(let template) = message.content else {
            Issue.record("expected a template")
            return
        }
        #expect(template.components == [.body([.couponCode("SAVE10")]), .other(carousel)])
        #expect(try jsonValue(of: message) == body)
    }

    @Test func unmodelledInteractiveTypesPassThrough() throws {
        let body: JSONValue = [
            "messaging_product": "whatsapp", "to": "1", "type": "interactive",
            "interactive": [
                "type": "location_request_message", "body": ["text": "Where are you?"],
                "action": ["name": "send_location"],
            ],
        ]
        let message = try decode(OutgoingMessage.self, from: body)
        guard case .interactive(let interactive) = message.content else {
            Issue.record("expected interactive")
            return
        }
        #expect(interactive.action == .other(type: "location_request_message", action: ["name": "send_location"]))
        #expect(interactive.body == "Where are you?")
        #expect(try jsonValue(of: message) == body)
    }
}
