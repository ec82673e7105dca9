// libFuzzer target for the webhook entry points of WhatsAppCloud: the JSON a webhook POST carries, its
// `X-Hub-Signature-256` header, and the GET verification handshake.
//
// There is deliberately no `main.swift` and no `@main`: with a single source file that is not `main.swift`,
// SwiftPM compiles the executable target as a library (`-parse-as-library`), so no `main` symbol is emitted
// and libFuzzer's own `main` (linked in by `--sanitize=fuzzer`) drives `LLVMFuzzerTestOneInput`.
// Build and run it with scripts/fuzz-webhooks.sh; the target exists only when SWITCHBOARD_FUZZ is set.
//
// A property that does not hold prints what it saw and traps, which libFuzzer reports as a crash and saves.

import Foundation
import WhatsAppCloud

@_cdecl("LLVMFuzzerTestOneInput")
public func webhookFuzzerTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = if let start, count > 0 { Data(bytes: start, count: count) } else { Data() }
    checkPayloadRoundTrip(data)
    checkJSONValueRoundTrip(data)
    checkSignature(data)
    checkHandshake(data)
    return 0
}

// MARK: - Decoding

/// Sorted keys make the encoding deterministic, so encoding a re-decoded payload must give the same bytes.
private func makeEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return encoder
}

/// Any bytes: decoding may fail, but must not crash. A payload that decodes must re-encode, decode again to an
/// equal payload, and re-encode to the same bytes (`Change`, `InboundMessage` and `Status` keep and write back
/// the raw JSON precisely so that nothing is lost).
private func checkPayloadRoundTrip(_ data: Data) {
    guard let payload = try? JSONDecoder().decode(WebhookPayload.self, from: data) else { return }
    // Walking the typed values exercises the accessors a consumer uses.
    for entry in payload.entry {
        for change in entry.changes {
            if case .messages(let value) = change.value {
                for message in value.messages { _ = value.userID(of: message) }
                for message in value.messages {
                    if case .interactive(.flowReply(let reply)) = message.content { _ = reply.flowToken }
                }
            }
        }
    }
    let encoded: Data
    do {
        encoded = try makeEncoder().encode(payload)
    } catch {
        fail("a decoded WebhookPayload does not encode: \(error)", input: data)
    }
    let again: WebhookPayload
    do {
        again = try JSONDecoder().decode(WebhookPayload.self, from: encoded)
    } catch {
        fail("a re-encoded WebhookPayload does not decode: \(error)\nre-encoded: \(text(encoded))", input: data)
    }
    guard again == payload else {
        fail("WebhookPayload changed in a round trip\nfirst:  \(payload)\nsecond: \(again)\nre-encoded: \(text(encoded))", input: data)
    }
    guard let encodedAgain = try? makeEncoder().encode(again), encodedAgain == encoded else {
        fail("re-encoding a round-tripped WebhookPayload gives other bytes\nre-encoded: \(text(encoded))", input: data)
    }
}

/// `JSONValue` promises a lossless round trip of any JSON it accepts.
private func checkJSONValueRoundTrip(_ data: Data) {
    guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else { return }
    let encoded: Data
    do {
        encoded = try makeEncoder().encode(value)
    } catch {
        fail("a decoded JSONValue does not encode: \(error)", input: data)
    }
    guard let again = try? JSONDecoder().decode(JSONValue.self, from: encoded), again == value else {
        fail("JSONValue changed in a round trip\nre-encoded: \(text(encoded))", input: data)
    }
}

// MARK: - Signature

private let appSecret = "fuzz-app-secret-0123456789abcdef"

/// The first byte says how many of the following bytes form a header candidate; the rest is the body.
private func checkSignature(_ data: Data) {
    let bytes = [UInt8](data)
    let headerLength = bytes.first.map { min(Int($0), bytes.count - 1) } ?? 0
    let headerBytes = bytes.dropFirst().prefix(headerLength)
    let body = Array(bytes.dropFirst(1 + headerLength))
    let header = String(decoding: headerBytes, as: UTF8.self)

    // Any header: no crash, and `.valid` only for the right MAC (so, in practice, never by chance).
    let verdict = WebhookSignature.verify(body: body, header: header, appSecret: appSecret)
    let signature = WebhookSignature.sign(body: body, appSecret: appSecret)
    if verdict == .valid, header.lowercased() != signature {
        fail("verify accepted header \(header.debugDescription), the signature is \(signature)", input: data)
    }
    // The same header bytes read as an app secret, and the whole input as a body.
    _ = WebhookSignature.verify(body: bytes, header: header, appSecret: header)

    // A signature always verifies, whatever the case of its hex digits, and only over its own bytes.
    expect(signature.utf8.count == 71, "sign gave \(signature.debugDescription)", input: data)
    expect(WebhookSignature.verify(body: body, header: signature, appSecret: appSecret) == .valid,
           "verify(body, sign(body)) is not .valid", input: data)
    expect(WebhookSignature.verify(body: body, header: signature.uppercased(), appSecret: appSecret) == .valid,
           "an upper-case signature is not .valid", input: data)
    expect(WebhookSignature.verify(body: body + [0], header: signature, appSecret: appSecret) == .mismatch,
           "a signature verifies over other bytes", input: data)
    expect(WebhookSignature.verify(body: body, header: signature, appSecret: appSecret + "x") == .mismatch,
           "a signature verifies with another secret", input: data)
    expect(WebhookSignature.verify(body: body, header: nil, appSecret: appSecret) == .missing,
           "no header is not .missing", input: data)
    expect(WebhookSignature.verify(body: body, header: String(signature.dropLast()), appSecret: appSecret) == .malformed,
           "a truncated signature is not .malformed", input: data)
    // The signature with the header candidate's bytes spliced in where they still look like hex.
    if !headerBytes.isEmpty {
        var spliced = Array(signature.utf8)
        for (offset, byte) in headerBytes.prefix(64).enumerated() { spliced[7 + offset] = byte }
        let splicedHeader = String(decoding: spliced, as: UTF8.self)
        let splicedVerdict = WebhookSignature.verify(body: body, header: splicedHeader, appSecret: appSecret)
        if splicedVerdict == .valid, splicedHeader.lowercased() != signature {
            fail("verify accepted a spliced header \(splicedHeader.debugDescription)", input: data)
        }
    }
}

// MARK: - Handshake

/// The input split on NUL bytes into mode, token, challenge and expected token.
private func checkHandshake(_ data: Data) {
    let parts = data.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    guard parts.count == 4 else { return }
    let (mode, token, challenge, expected) = (parts[0], parts[1], parts[2], parts[3])
    let answer = VerificationHandshake.respond(mode: mode, token: token, challenge: challenge, expectedToken: expected)
    // The token comparison is byte-wise, so canonically equal strings with other bytes do not match.
    let shouldAnswer = mode == "subscribe" && Array(token.utf8) == Array(expected.utf8)
    expect((answer != nil) == shouldAnswer, "respond gave \(answer.debugDescription) for \(parts)", input: data)
    if let answer { expect(Array(answer.utf8) == Array(challenge.utf8), "respond changed the challenge", input: data) }
    expect(VerificationHandshake.respond(mode: "subscribe", token: expected, challenge: challenge, expectedToken: expected) != nil,
           "respond refused the expected token", input: data)
    expect(VerificationHandshake.respond(mode: mode, token: nil, challenge: challenge, expectedToken: expected) == nil,
           "respond accepted no token", input: data)
}

// MARK: - Reporting

private func expect(_ condition: Bool, _ message: @autoclosure () -> String, input: Data) {
    if !condition { fail(message(), input: input) }
}

private func fail(_ message: String, input: Data) -> Never {
    FileHandle.standardError.write(Data("WebhookFuzzer: \(message)\ninput: \(text(input))\n".utf8))
    fatalError("WebhookFuzzer property violated")
}

private func text(_ data: Data) -> String {
    String(decoding: data.prefix(4000), as: UTF8.self).debugDescription
}
