import Foundation
import Crypto

/// The clock, injected so tests decide what time it is.
public struct Clock: Sendable {
    public var now: @Sendable () -> Date
    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    /// Wall time truncated to milliseconds, so a stored time compares equal to itself on SQLite and PostgreSQL alike.
    public static let system = Clock { Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000) }
}

/// Randomness, injected so tests can make it repeatable.
public struct RandomSource: Sendable {
    public var bytes: @Sendable (Int) -> [UInt8]
    public init(bytes: @escaping @Sendable (Int) -> [UInt8]) { self.bytes = bytes }

    public static let system = RandomSource { count in
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// A URL-safe token of `count` random bytes.
    /// A uniform draw in 0..<1, for jitter.
    public func unit() -> Double {
        let value = bytes(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(value >> 11) / Double(1 << 53)
    }

    public func token(_ count: Int = 32) -> String {
        Data(bytes(count)).base64URLEncodedString()
    }
}

extension Data {
    public func base64URLEncodedString() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(base64URLEncoded string: String) {
        var value = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while value.count % 4 != 0 { value += "=" }
        self.init(base64Encoded: value)
    }
}

/// Lower-case hex SHA-256 of a string, for storing things we only ever compare (API keys, session tokens).
public func sha256Hex(_ value: String) -> String {
    SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
}
