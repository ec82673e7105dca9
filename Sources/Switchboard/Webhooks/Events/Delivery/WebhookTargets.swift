import Foundation
import NIOPosix

/// Which addresses workspace webhook endpoints may reach. A workspace chooses its endpoint URLs, so without this
/// any workspace admin could make the gateway POST into the platform's own network (metadata services, databases'
/// HTTP ports, admin panels): server-side request forgery across the tenant boundary.
public enum WebhookTargets: String, Sendable, Equatable {
    /// Only public unicast addresses (the default).
    case publicOnly = "public"
    /// Anything, private and loopback included: for a laptop or a private network the operator trusts.
    case any

    static let variable = "SWITCHBOARD_WEBHOOK_TARGETS"

    /// Why `host` may not be reached, from its literal address; nil when it is a name (checked when delivering)
    /// or allowed.
    func refusal(literalHost host: String) -> String? {
        guard self == .publicOnly, let bytes = AddressRanges.bytes(ofLiteral: host), !AddressRanges.isPublic(bytes) else { return nil }
        return Self.refusal(host: host, address: host)
    }

    /// Resolves `host` (off the event loops) and answers why it may not be reached, or nil when every address it
    /// resolves to is allowed. Names that do not resolve are left to the HTTP client, which reports them.
    func refusal(resolving host: String, port: Int, on pool: NIOThreadPool) async -> String? {
        guard self == .publicOnly else { return nil }
        let addresses = try? await pool.runIfActive { try Self.resolve(host, port: port) }
        for address in addresses ?? [] where !AddressRanges.isPublic(address.bytes) {
            return Self.refusal(host: host, address: address.text)
        }
        return nil
    }

    static func refusal(host: String, address: String) -> String {
        "\(host) is \(address), not a public address; \(variable)=any allows private and loopback targets"
    }

    private static func resolve(_ host: String, port: Int) throws -> [(bytes: [UInt8], text: String)] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var found: [(bytes: [UInt8], text: String)] = []
        for info in sequence(first: first, next: { $0.pointee.ai_next }) {
            guard let raw = info.pointee.ai_addr else { continue }
            switch Int32(raw.pointee.sa_family) {
            case AF_INET:
                let bytes = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) } }
                found.append((bytes, bytes.map(String.init).joined(separator: ".")))
            case AF_INET6:
                let bytes = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) } }
                found.append((bytes, AddressRanges.text6(bytes) ?? "an IPv6 address"))
            default:
                continue
            }
        }
        return found
    }
}

/// IPv4 and IPv6 ranges that are not public unicast, as plain byte checks.
enum AddressRanges {
    /// The 4 or 16 bytes of a literal IPv4 or IPv6 address (brackets allowed), or nil for a name.
    static func bytes(ofLiteral host: String) -> [UInt8]? {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }

    static func isPublic(_ bytes: [UInt8]) -> Bool {
        switch bytes.count {
        case 4: return isPublic4(bytes)
        case 16: return isPublic6(bytes)
        default: return false
        }
    }

    private static func isPublic4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return false  // this network, private, loopback
        case (100, 64...127): return false  // carrier-grade NAT
        case (169, 254): return false  // link-local, where cloud metadata services answer
        case (172, 16...31), (192, 168): return false  // private
        case (192, 0) where b[2] == 0: return false  // IETF protocol assignments
        case (198, 18...19): return false  // benchmarking
        case (224...255, _): return false  // multicast, reserved, broadcast
        default: return true
        }
    }

    private static func isPublic6(_ b: [UInt8]) -> Bool {
        if b[0..<15].allSatisfy({ $0 == 0 }) { return false }  // :: and ::1
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return isPublic4(Array(b[12..<16])) }  // ::ffff:a.b.c.d
        if b[0] & 0xfe == 0xfc { return false }  // unique local
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return false }  // link-local
        if b[0] == 0xff { return false }  // multicast
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 { return false }  // documentation
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b { return isPublic4(Array(b[12..<16])) }  // NAT64
        return true
    }

    static func text6(_ bytes: [UInt8]) -> String? {
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(cString: buffer)
    }
}
