import Fluent
import Foundation
import SQLKit
@testable import Switchboard
import Testing
import Vapor

@Suite("Secrets never leak")
struct NoSecretLeakTests {
    @Test("stored secrets, passwords and keys appear only where they must")
    func noLeak() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let token = "EAAGleakcheck\(UUID().uuidString.prefix(8))"
            let password = "pw-leakcheck-\(UUID().uuidString.prefix(8))"
            _ = try await app.switchboard.secrets.store(token, workspaceID: a.id, purpose: "test.token", on: app.db)

            let accessToken = "EAAGaccountleak\(UUID().uuidString.prefix(8))"
            let appSecret = "appsecretleak\(UUID().uuidString.prefix(8))"
            var responses: [String] = []
            responses.append(try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner), json: CreateAccountInput(
                name: "Leak check", provider: .cloudAPI, phoneNumberId: "123123123", accessToken: accessToken, appSecret: appSecret)).text)
            let created = try await app.send(.POST, "/api/v1/members", key: a.key(.owner),
                                             json: AddMemberInput(email: "leak@alpha.test", role: .agent, password: password))
            responses.append(created.text)
            let browser = DashboardClient(app)
            responses.append(try await browser.login("leak@alpha.test", password).text)
            for path in ["/dashboard/members", "/dashboard/audit", "/dashboard/accounts", "/dashboard/settings"] { responses.append(try await browser.get(path).text) }
            for route in RouteCase.all where route.method == .GET {
                responses.append(try await app.send(route, key: a.key(.owner), ids: a).text)
            }
            let apiKey = a.key(.manager)

            for secret in [token, password, apiKey, accessToken, appSecret] {
                #expect(!responses.contains { $0.contains(secret) })
                #expect(!LogCapture.contains(secret))
                #expect(try await Self.tablesContaining(secret, app: app).isEmpty)
            }
        }
    }

    /// Every text column of every table, searched for the value.
    static func tablesContaining(_ value: String, app: Application) async throws -> [String] {
        var found: [String] = []
        for table in Seed.tables {
            for row in try await app.db.sql.raw("SELECT * FROM \(unsafeRaw: table)").all() {
                for column in row.allColumns {
                    if let text = try? row.decode(column: column, as: String.self), text.contains(value) { found.append("\(table).\(column)") }
                }
            }
        }
        return found
    }
}
