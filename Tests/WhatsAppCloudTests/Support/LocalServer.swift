import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP listener on 127.0.0.1 for client tests. With `responses`, it answers one request per canned
/// response on a background thread and records what it received; without, it never accepts, so a client
/// connects (the kernel completes the handshake) and then waits until its deadline. With `refusing`, the port
/// is bound but not listening: connections are refused, and no other test can be given the port meanwhile.
final class LocalServer: @unchecked Sendable {
    let port: Int
    private let socketFD: Int32
    private let lock = NSLock()
    private var received: [String] = []

    init(responses: [String] = [], refusing: Bool = false) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, refusing || listen(fd, 8) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socketFD = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        guard !responses.isEmpty else { return }
        Thread.detachNewThread { [self] in
            for response in responses {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { return }
                record(Self.readRequest(connection))
                _ = response.utf8CString.withUnsafeBufferPointer { send(connection, $0.baseAddress, $0.count - 1, 0) }
                close(connection)
            }
        }
    }

    deinit { close(socketFD) }

    /// The raw requests received so far (head and body).
    var requests: [String] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    private func record(_ request: String) {
        lock.lock()
        received.append(request)
        lock.unlock()
    }

    /// Reads the head, then as many body bytes as Content-Length says.
    private static func readRequest(_ connection: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { break }
            bytes += buffer[0..<count]
            let text = String(decoding: bytes, as: UTF8.self)
            guard let headEnd = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<headEnd.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if bytes.count >= text.utf8.distance(from: text.utf8.startIndex, to: headEnd.upperBound) + length { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An HTTP/1.1 response that closes the connection.
    static func response(status: String, json: String, contentType: String = "application/json") -> String {
        "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(json.utf8.count)\r\nConnection: close\r\n\r\n\(json)"
    }
}
