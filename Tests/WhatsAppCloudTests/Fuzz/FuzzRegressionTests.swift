import Foundation
import Testing
import WhatsAppCloud

/// Inputs found by the libFuzzer target (Fuzz/WebhookFuzzer, scripts/fuzz-webhooks.sh), kept as regressions.
@Suite struct FuzzRegressionTests {
    /// Foundation reads `7203685403372032036.5` as no Int64 but as a whole Double (7203685403372032000), whose
    /// encoding `7.203685403372032e+18` does decode as Int64: JSONValue went `.double` -> `.int` in a round trip.
    static let oddNumber = "7203685403372032036.5"

    private func roundTrip<T: Codable>(_ type: T.Type, _ text: String) throws -> (first: T, second: T) {
        let first = try JSONDecoder().decode(T.self, from: Data(text.utf8))
        let second = try JSONDecoder().decode(T.self, from: JSONEncoder().encode(first))
        return (first, second)
    }

    @Test func jsonValueWithAWholeDoubleInInt64RangeRoundTrips() throws {
        // The fuzzer's input, minimised.
        let (first, second) = try roundTrip(JSONValue.self, "[0,-0,2e2,\(Self.oddNumber),1e308,\"x\"]")
        #expect(first == second)
        #expect(first[3] == .int(7_203_685_403_372_032_000))
        #expect(first[4] == .double(1e308))  // beyond Int64: stays a Double
        // A second crash input of the same kind, near Int64.min.
        let (low, lowAgain) = try roundTrip(JSONValue.self, "[-0,-0.007,-9223372036853372031.5,9223323720]")
        #expect(low == lowAgain)
        #expect(low[2]?.intValue != nil)
        // Fractions and integers keep their kinds.
        #expect(try roundTrip(JSONValue.self, "[1.5,-0.6,9223372036854775807]").first == [1.5, -0.6, .int(.max)])
    }

    private func messagesDelivery(message: String, extra: String = "") -> String {
        """
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{\
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000","phone_number_id":"2"},\
        "messages":[\(message)]\(extra)}}]}]}
        """
    }

    @Test func lenientTimestampIsTheSameAfterARoundTrip() throws {
        let text = messagesDelivery(message: #"{"id":"wamid.1","from":"1","timestamp":\#(Self.oddNumber),"type":"text","text":{"body":"hi"}}"#)
        let (first, second) = try roundTrip(WebhookPayload.self, text)
        #expect(first == second)
        guard case .messages(let value) = first.entry[0].changes[0].value else {
            Issue.record("not a messages change: \(first.entry[0].changes[0].value)")
            return
        }
        #expect(value.messages.first?.timestamp == "7203685403372032000")
    }

    @Test func typedValueDoesNotAppearOnlyAfterARoundTrip() throws {
        // An Int field holding the odd number: typed decoding used to fail on the bytes as received (the change
        // became `.unknown`) but succeed on the re-encoded payload.
        let text = messagesDelivery(
            message: #"{"id":"wamid.1","from":"1","timestamp":"1","type":"text","text":{"body":"hi"}}"#,
            extra: #","errors":[{"code":\#(Self.oddNumber),"title":"t"}]"#)
        let (first, second) = try roundTrip(WebhookPayload.self, text)
        #expect(first == second)
        let reply = #"{"id":"wamid.2","from":"1","timestamp":"1","type":"interactive","interactive":{"type":"call_permission_reply","call_permission_reply":{"response":"accept","expiration_timestamp":\#(Self.oddNumber)}}}"#
        let (firstReply, secondReply) = try roundTrip(WebhookPayload.self, messagesDelivery(message: reply))
        #expect(firstReply == secondReply)
    }
}
