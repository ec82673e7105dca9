import Foundation
import AsyncHTTPClient

/// A fully built Graph API request, as plain values so it can be checked without a network.
/// Its description and mirror leave out header values (the bearer token) and the body.
public struct GraphRequest: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    public enum Method: String, Hashable, Sendable {
        case GET, POST, DELETE
    }

    public struct Header: Hashable, Sendable {
        public var name: String
        public var value: String
    }

    public var method: Method
    public var url: String
    public var headers: [Header]
    public var body: [UInt8]?

    /// The value of the first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var description: String { "\(method.rawValue) \(url)" }
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": url, "headers": headers.map(\.name), "bodyBytes": body?.count ?? 0])
    }

    /// The same request for AsyncHTTPClient.
    public var httpClientRequest: HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method.rawValue)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if let body { request.body = .bytes(body) }
        return request
    }
}

/// Percent-encoding for path segments and query items: everything but RFC 3986 unreserved characters, so
/// `+`, `&` and `/` in a value can't change the request's meaning.
enum PercentEncoding {
    static func encode(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += byte < 16 ? "%0" + hex : "%" + hex
            }
        }
        return result
    }
}

/// A `multipart/form-data` body, as media upload needs.
struct MultipartForm {
    let boundary: String
    private(set) var bytes: [UInt8] = []

    init(boundary: String) { self.boundary = boundary }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func addField(name: String, value: String) {
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quoted(name))\"\r\n\r\n\(value)\r\n")
    }

    mutating func addFile(name: String, filename: String, contentType: String, data: [UInt8]) {
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quoted(name))\"; ")
        append("filename=\"\(Self.quoted(filename))\"\r\nContent-Type: \(contentType)\r\n\r\n")
        bytes += data
        append("\r\n")
    }

    /// The body with its closing boundary.
    func finished() -> [UInt8] { bytes + Array("--\(boundary)--\r\n".utf8) }

    private mutating func append(_ text: String) { bytes += Array(text.utf8) }

    /// Quotes and line breaks would end the header value early.
    private static func quoted(_ value: String) -> String {
        value.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "")
            .replacingOccurrences(of: "\n", with: "")
    }
}
