import Foundation
import Testing
import WhatsAppCloud
import WhatsAppFixtures

/// Whatever Meta adds later must decode to the unknown cases and survive re-encoding unchanged.
@Suite struct WebhookUnknownTests {
    private func delivery(field: String, value: JSONValue) -> JSONValue {
        ["object": "whatsapp_business_account", "entry": [["id": "102290129340398", "time": 1_700_000_000, "changes": [["field": .string(field), "value": value]]]]]
    }

    private let metadata: JSONValue = ["display_phone_number": "15550783881", "phone_number_id": "106540352242922"]

    @Test func unknownMessageTypeKeepsItsRawJSON() throws {
        let message: JSONValue = [
            "from": "16505551234", "id": "wamid.NEW", "timestamp": "1750000000", "type": "hologram",
            "hologram": ["frames": [1, 2, 3], "depth": 0.5], "brand_new_property": ["nested": true],
        ]
        let body = delivery(field: "messages", value: ["messaging_product": "whatsapp", "metadata": metadata, "messages": [message]])
        let payload = try decode(WebhookPayload.self, from: body)
        let decoded = try #require(payload.firstChange?.value.messages?.messages.first)
        #expect(decoded.content == .unknown(type: "hologram", raw: message))
        #expect(decoded.type == "hologram")
        #expect(decoded.raw == message)
        #expect(try jsonValue(of: decoded) == message)
        #expect(try jsonValue(of: payload) == body)
    }

    @Test func unknownInteractiveReplyTypeIsKept() throws {
        let message: JSONValue = [
            "from": "1", "id": "wamid.I", "timestamp": 1_750_000_000, "type": "interactive",
            "interactive": ["type": "payment_reply", "payment_reply": ["amount": 1]],
        ]
        let decoded = try decode(InboundMessage.self, from: message)
        #expect(decoded.content == .interactive(.unknown(type: "payment_reply", raw: message["interactive"]!)))
        #expect(decoded.timestamp == "1750000000")
    }

    @Test func knownTypeWithUnexpectedShapeBecomesUnknown() throws {
        let message: JSONValue = ["from": "1", "id": "wamid.T", "timestamp": "1", "type": "text", "text": ["body": 42]]
        let decoded = try decode(InboundMessage.self, from: message)
        #expect(decoded.content == .unknown(type: "text", raw: message))
    }

    @Test func requestWelcomeIsTyped() throws {
        let message: JSONValue = ["from": "1", "id": "wamid.W", "timestamp": "1", "type": "request_welcome"]
        #expect(try decode(InboundMessage.self, from: message).content == .requestWelcome)
    }

    @Test func unknownFieldKeepsItsRawJSON() throws {
        let value: JSONValue = ["event": "PIN_CHANGED", "big_id": 9_007_199_254_740_993, "extra": ["a", nil, 1.25]]
        let body = delivery(field: "security", value: value)
        let payload = try decode(WebhookPayload.self, from: body)
        let change = try #require(payload.firstChange)
        #expect(change.value == .unknown(field: "security", raw: value))
        #expect(change.rawValue == value)
        #expect(payload.entry.first?.time == 1_700_000_000)
        #expect(try jsonValue(of: payload) == body)
    }

    @Test func knownFieldWithUnexpectedShapeBecomesUnknown() throws {
        let value: JSONValue = ["messages": []]  // no metadata
        let payload = try decode(WebhookPayload.self, from: delivery(field: "messages", value: value))
        #expect(payload.firstChange?.value == .unknown(field: "messages", raw: value))
    }

    @Test func unknownStatusKeepsItsValueAndRawJSON() throws {
        let status: JSONValue = [
            "id": "wamid.S", "status": "deleted", "timestamp": "1698266945", "recipient_user_id": "US.1",
            "new_status_field": ["x": 1],
        ]
        let body = delivery(field: "messages", value: ["messaging_product": "whatsapp", "metadata": metadata, "statuses": [status]])
        let payload = try decode(WebhookPayload.self, from: body)
        let decoded = try #require(payload.firstChange?.value.messages?.statuses.first)
        #expect(decoded.status == .unknown("deleted"))
        #expect(decoded.status.rawValue == "deleted")
        #expect(decoded.recipientID == nil)
        #expect(decoded.recipientUserID == "US.1")
        #expect(try jsonValue(of: decoded) == status)
        #expect(try jsonValue(of: payload) == body)
        #expect(try jsonValue(of: Status.Value.played) == "played")
    }

    @Test func phoneNumberQualityUpdateIsTyped() throws {
        let value: JSONValue = [
            "display_phone_number": "16505551234", "event": "DOWNGRADE", "current_limit": "TIER_1K",
            "old_limit": "TIER_10K", "max_daily_conversations_per_business": 1000,
        ]
        let payload = try decode(WebhookPayload.self, from: delivery(field: "phone_number_quality_update", value: value))
        let update = try #require(payload.firstChange?.value.phoneNumberQuality)
        #expect(update.event == "DOWNGRADE")
        #expect(update.oldLimit == "TIER_10K")
        #expect(update.maxDailyConversationsPerBusiness == "1000")
    }

    @Test func webhookErrorRoundTripsAndClassifies() throws {
        let json: JSONValue = ["code": 131047, "title": "Re-engagement message", "message": "Re-engagement message", "error_data": ["details": "more than 24 hours"], "href": "https://developers.facebook.com/"]
        let error = try decode(WebhookError.self, from: json)
        #expect(error.details == "more than 24 hours")
        #expect(error.errorClass == .windowClosed)
        #expect(try jsonValue(of: error) == json)
        #expect(WebhookError(code: 131056).errorClass == .throttled(scope: .pair))
    }
}
