import Foundation
import NIOHTTP1
@testable import Switchboard
import Testing
import Vapor
import VaporTesting

/// A browser stand-in: keeps cookies, sends forms with the CSRF token the pages carry.
final class DashboardClient: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var lastSetCookies: [String] = []

    init(_ app: Application) { self.app = app }

    var csrf: String { cookies["sb_csrf"] ?? "" }

    @discardableResult
    func get(_ path: String) async throws -> Reply {
        try await request(.GET, path, form: nil)
    }

    @discardableResult
    func post(_ path: String, _ form: [String: String], csrf override: String? = nil) async throws -> Reply {
        var fields = form
        fields["_csrf"] = override ?? csrf
        return try await request(.POST, path, form: fields)
    }

    func login(_ email: String, _ password: String) async throws -> Reply {
        try await get("/login")
        return try await post("/login", ["email": email, "password": password])
    }

    private func request(_ method: HTTPMethod, _ path: String, form: [String: String]?) async throws -> Reply {
        var headers = HTTPHeaders()
        if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.map { "\($0)=\($1)" }.joined(separator: "; ")) }
        var body: ByteBuffer?
        if let form {
            headers.add(name: .contentType, value: "application/x-www-form-urlencoded")
            var components = URLComponents()
            components.queryItems = form.map { URLQueryItem(name: $0, value: $1) }
            body = ByteBuffer(string: components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? "")
        }
        var reply: Reply?
        try await app.testing().test(method, path, headers: headers, body: body) { response in
            reply = Reply(status: response.status, headers: response.headers, text: response.body.string)
        }
        let result = try #require(reply)
        lastSetCookies = result.headers[.setCookie]
        for header in lastSetCookies {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            cookies[name] = value.isEmpty ? nil : value
        }
        return result
    }
}
