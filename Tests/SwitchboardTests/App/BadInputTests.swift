import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Bad input: a clear 4xx problem, nothing written")
struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var path: String
        var method: HTTPMethod = .POST
        var raw: String
        var contentType: String = "application/json"
        var status: HTTPStatus
        var field: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "malformed JSON", path: "/api/v1/members", raw: #"{"email": "#, status: .badRequest),
        .init(name: "not an object", path: "/api/v1/members", raw: "[1,2]", status: .badRequest),
        .init(name: "empty body", path: "/api/v1/api-keys", raw: "", status: .badRequest),
        .init(name: "wrong content type", path: "/api/v1/api-keys", raw: #"{"name":"x","role":"agent"}"#, contentType: "text/plain", status: .unsupportedMediaType),
        .init(name: "form content type", path: "/api/v1/members", raw: "email=a@b.co", contentType: "application/x-www-form-urlencoded", status: .unsupportedMediaType),
        .init(name: "missing field", path: "/api/v1/api-keys", raw: #"{"name":"x"}"#, status: .unprocessableEntity, field: "role"),
        .init(name: "unknown field", path: "/api/v1/api-keys", raw: #"{"name":"x","role":"agent","admin":true}"#, status: .unprocessableEntity, field: "admin"),
        .init(name: "wrong type", path: "/api/v1/api-keys", raw: #"{"name":42,"role":"agent"}"#, status: .unprocessableEntity, field: "name"),
        .init(name: "null value", path: "/api/v1/api-keys", raw: #"{"name":null,"role":"agent"}"#, status: .unprocessableEntity, field: "name"),
        .init(name: "unknown enum value", path: "/api/v1/api-keys", raw: #"{"name":"x","role":"god"}"#, status: .unprocessableEntity, field: "role"),
        .init(name: "very long string", path: "/api/v1/api-keys", raw: #"{"name":"\#(String(repeating: "x", count: 5000))","role":"agent"}"#, status: .unprocessableEntity, field: "name"),
        .init(name: "blank name", path: "/api/v1/api-keys", raw: #"{"name":"   ","role":"agent"}"#, status: .unprocessableEntity, field: "name"),
        .init(name: "bad email", path: "/api/v1/members", raw: #"{"email":"not-an-email","role":"agent","password":"long enough pass"}"#, status: .unprocessableEntity, field: "email"),
        .init(name: "short password", path: "/api/v1/members", raw: #"{"email":"a@b.co","role":"agent","password":"short"}"#, status: .unprocessableEntity, field: "password"),
        .init(name: "huge number as a string field", path: "/api/v1/api-keys", raw: #"{"name":1e999999,"role":"agent"}"#, status: .unprocessableEntity, field: "name"),
        .init(name: "huge integer", path: "/api/v1/api-keys", raw: #"{"name":"x","role":123456789012345678901234567890}"#, status: .unprocessableEntity, field: "role"),
        .init(name: "deep nesting within the size limit", path: "/api/v1/api-keys", raw: String(repeating: "[", count: 60_000), status: .badRequest),
        .init(name: "deep nesting over the size limit", path: "/api/v1/api-keys", raw: String(repeating: "[", count: 100_000), status: .payloadTooLarge),
        .init(name: "oversize body", path: "/api/v1/api-keys", raw: #"{"name":"\#(String(repeating: "y", count: 70_000))","role":"agent"}"#, status: .payloadTooLarge),
        .init(name: "bad audit limit", path: "/api/v1/audit-events?limit=500", method: .GET, raw: "", status: .unprocessableEntity, field: "limit"),
        .init(name: "non-integer audit limit", path: "/api/v1/audit-events?limit=abc", method: .GET, raw: "", status: .unprocessableEntity, field: "limit"),
        .init(name: "forged cursor", path: "/api/v1/audit-events?cursor=AAAA", method: .GET, raw: "", status: .unprocessableEntity, field: "cursor"),
        .init(name: "query string not form-encoded", path: "/api/v1/whatsapp-accounts?%C3%A7%5B%01=1&%C3%A7%5B%01=2", method: .GET, raw: "",
              status: .badRequest),
        .init(name: "NUL in a string field", path: "/api/v1/api-keys", raw: #"{"name":"a\u0000b","role":"agent"}"#, status: .unprocessableEntity, field: "name"),
        .init(name: "NUL in a nested string", path: "/api/v1/messages", raw: #"{"to":"+14155550123","type":"text","text":{"body":"hi\u0000"}}"#,
              status: .unprocessableEntity, field: "text.body"),
        .init(name: "NUL in a key", path: "/api/v1/whatsapp-settings", method: .PUT,
              raw: #"{"usePlatformAccount":false,"notificationsEnabled":true,"notificationToggles":{"a\u0000":true}}"#,
              status: .unprocessableEntity, field: "notificationToggles"),
        .init(name: "NUL in a query value", path: "/api/v1/whatsapp-accounts?search=a%00b", method: .GET, raw: "",
              status: .unprocessableEntity, field: "search"),
        .init(name: "NUL in an audit filter", path: "/api/v1/audit-events?actor=%00", method: .GET, raw: "", status: .unprocessableEntity, field: "actor"),
        .init(name: "unknown route", path: "/api/v1/nothing-here", method: .GET, raw: "", status: .notFound),
        .init(name: "wrong method", path: "/api/v1/workspaces/current", method: .DELETE, raw: "", status: .methodNotAllowed),
        .init(name: "not a uuid", path: "/api/v1/members/123", method: .DELETE, raw: "", status: .notFound),
    ]

    @Test("each bad request", arguments: cases)
    func badRequest(_ c: Case) async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let before = try await Seed.counts(app)

            let reply = try await app.send(c.method, c.path, key: a.key(.owner), raw: c.method == .GET ? nil : c.raw, contentType: c.contentType)

            #expect(reply.status == c.status, "\(reply.text.prefix(300))")
            #expect(reply.headers.contentType?.subType == "problem+json")
            #expect(reply.json["status"] as? Int == Int(c.status.code))
            if let field = c.field { #expect(reply.fieldErrors.contains(field), "\(reply.text.prefix(300))") }
            #expect(try await Seed.counts(app) == before)
        }
    }

    @Test("invalid UTF-8 is a 400")
    func invalidUTF8() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let before = try await Seed.counts(app)
            let bytes: [UInt8] = Array(#"{"name":""#.utf8) + [0xFF, 0xFE, 0xC3] + Array(#"","role":"agent"}"#.utf8)

            let reply = try await app.sendBytes(.POST, "/api/v1/api-keys", key: a.key(.owner), bytes: bytes)

            #expect(reply.status == .badRequest)
            #expect(try await Seed.counts(app) == before)
        }
    }

    @Test("405 says which methods the path takes")
    func allowHeader() async throws {
        try await withTestApp { app in
            let reply = try await app.send(.PUT, "/health/live")
            #expect(reply.status == .methodNotAllowed)
            #expect(reply.headers.first(name: .allow) == "GET")
        }
    }
}
