import Foundation
import NIOHTTP1
@testable import Switchboard
import Testing
import Vapor
import VaporTesting

/// A response with its body read as text and as JSON.
struct Reply {
    var status: HTTPStatus
    var headers: HTTPHeaders
    var text: String

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }
    var problemType: String? { (json["type"] as? String)?.split(separator: "/").last.map(String.init) }
    var fieldErrors: [String] { (json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? [] }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(text.utf8))
    }
}

extension Application {
    /// Sends one request in memory. `json` is encoded; `raw` is sent as it is.
    func send(_ method: HTTPMethod, _ path: String, key: String? = nil, json: (any Encodable)? = nil, raw: String? = nil,
              contentType: String? = nil, headers extra: [(String, String)] = []) async throws -> Reply {
        var headers = HTTPHeaders()
        if let key { headers.add(name: .authorization, value: "Bearer \(key)") }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(data: try JSONEncoder().encode(json))
            headers.add(name: .contentType, value: contentType ?? "application/json")
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers.add(name: .contentType, value: contentType ?? "application/json")
        }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        var reply: Reply?
        try await testing().test(method, path, headers: headers, body: body) { response in
            reply = Reply(status: response.status, headers: response.headers, text: response.body.string)
        }
        return try #require(reply)
    }

    /// Sends raw bytes (for invalid UTF-8).
    func sendBytes(_ method: HTTPMethod, _ path: String, key: String, bytes: [UInt8]) async throws -> Reply {
        var headers = HTTPHeaders()
        headers.add(name: .authorization, value: "Bearer \(key)")
        headers.add(name: .contentType, value: "application/json")
        var reply: Reply?
        try await testing().test(method, path, headers: headers, body: ByteBuffer(bytes: bytes)) { response in
            reply = Reply(status: response.status, headers: response.headers, text: response.body.string)
        }
        return try #require(reply)
    }
}
