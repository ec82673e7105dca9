import Crypto
import Foundation

/// The `X-Hub-Signature-256` header Meta puts on every webhook POST: `sha256=<hex HMAC-SHA256>` of the
/// exact raw body, keyed with the app secret. Verify the bytes as received; never re-serialise them.
public enum WebhookSignature {
    public static let headerName = "X-Hub-Signature-256"

    public enum Verification: Hashable, Sendable {
        case valid
        /// No header (Meta-style servers answer 401).
        case missing
        /// Not `sha256=` followed by 64 hex digits.
        case malformed
        /// Well-formed but signed with another secret or over other bytes (answer 403).
        case mismatch
    }

    public static func verify(body: some DataProtocol, header: String?, appSecret: String) -> Verification {
        guard let header else { return .missing }
        let prefix = "sha256="
        guard header.count == prefix.count + 64, header.lowercased().hasPrefix(prefix),
            let expected = bytes(fromHex: header.dropFirst(prefix.count))
        else { return .malformed }
        let key = SymmetricKey(data: Array(appSecret.utf8))
        // Crypto's check compares in constant time, so timing reveals nothing about the expected value.
        return HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: body, using: key) ? .valid : .mismatch
    }

    /// The header value for `body`, as Meta would send it; for tests and for re-signing forwarded webhooks.
    public static func sign(body: some DataProtocol, appSecret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(appSecret.utf8)))
        return "sha256=" + mac.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    private static func bytes(fromHex hex: Substring) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for character in hex.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let pending = high {
                result.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return high == nil ? result : nil
    }
}

/// The GET handshake Meta sends when a callback URL is set:
/// `?hub.mode=subscribe&hub.verify_token=<token>&hub.challenge=<random>`.
public enum VerificationHandshake {
    /// The challenge to answer with (HTTP 200, plain text), or nil to refuse (HTTP 403).
    public static func respond(mode: String?, token: String?, challenge: String?, expectedToken: String) -> String? {
        guard mode == "subscribe", let token, let challenge,
            constantTimeEquals(Array(token.utf8), Array(expectedToken.utf8))
        else { return nil }
        return challenge
    }

    private static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
