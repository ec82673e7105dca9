import Foundation
import Testing
import WhatsAppCloud
import WhatsAppFixtures

@Suite struct WebhookSignatureTests {
    /// pywa's test vector (`tests/test_server.py`); the secret was reset by its owner.
    static let secret = "1222e786b144d0e85b9f365372d93676"
    static let header = "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441"
    static let body = Array(
        #"{"object":"whatsapp_business_account","entry":[{"id":"264937493375603","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550953877","phone_number_id":"277321005464405"},"contacts":[{"profile":{"name":"PyWa Tests"},"wa_id":"972544401243"}],"messages":[{"from":"972544401243","id":"wamid.HBgMOTcyNTQ0NDAxMjQzFQIAEhggM0RFQTNCMEEwRTY3QzUwODYzMDc4NjQ4QzM4ODAxM0YA","timestamp":"1730231903","text":{"body":"Hey there! I am using PyWa."},"type":"text"}]},"field":"messages"}]}]}"#.utf8)

    @Test func testVectorVerifiesAndSigns() {
        #expect(Self.body.count == 511)
        #expect(WebhookSignature.verify(body: Self.body, header: Self.header, appSecret: Self.secret) == .valid)
        #expect(WebhookSignature.sign(body: Self.body, appSecret: Self.secret) == Self.header)
        #expect(WebhookSignature.verify(body: Self.body, header: Self.header.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), appSecret: Self.secret) == .valid)
    }

    @Test func missingHeader() {
        #expect(WebhookSignature.verify(body: Self.body, header: nil, appSecret: Self.secret) == .missing)
    }

    @Test(arguments: ["", "sha256=", "sha1=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441",
                      "54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441",
                      "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc44",
                      "sha256=zzedfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441"])
    func malformedHeader(header: String) {
        #expect(WebhookSignature.verify(body: Self.body, header: header, appSecret: Self.secret) == .malformed)
    }

    @Test func mismatch() {
        #expect(WebhookSignature.verify(body: Self.body, header: Self.header, appSecret: "another-secret") == .mismatch)
        var tampered = Self.body
        tampered[tampered.count - 3] = UInt8(ascii: "X")
        #expect(WebhookSignature.verify(body: tampered, header: Self.header, appSecret: Self.secret) == .mismatch)
    }

    @Test func signsExactBytesIncludingEscapedUnicode() {
        let escaped = Array(#"{"name":"\u00e4\u00f6\u00e5"}"#.utf8)
        let literal = Array(#"{"name":"äöå"}"#.utf8)
        let header = WebhookSignature.sign(body: escaped, appSecret: "s3cret")
        #expect(WebhookSignature.verify(body: escaped, header: header, appSecret: "s3cret") == .valid)
        #expect(WebhookSignature.verify(body: literal, header: header, appSecret: "s3cret") == .mismatch)
    }

    @Test func handshake() {
        #expect(VerificationHandshake.respond(mode: "subscribe", token: "tok", challenge: "1158201444", expectedToken: "tok") == "1158201444")
        #expect(VerificationHandshake.respond(mode: "subscribe", token: "wrong", challenge: "1", expectedToken: "tok") == nil)
        #expect(VerificationHandshake.respond(mode: "subscribe", token: "to", challenge: "1", expectedToken: "tok") == nil)
        #expect(VerificationHandshake.respond(mode: "unsubscribe", token: "tok", challenge: "1", expectedToken: "tok") == nil)
        #expect(VerificationHandshake.respond(mode: nil, token: "tok", challenge: "1", expectedToken: "tok") == nil)
        #expect(VerificationHandshake.respond(mode: "subscribe", token: nil, challenge: "1", expectedToken: "tok") == nil)
        #expect(VerificationHandshake.respond(mode: "subscribe", token: "tok", challenge: nil, expectedToken: "tok") == nil)
    }
}
