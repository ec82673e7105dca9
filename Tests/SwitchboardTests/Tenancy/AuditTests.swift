import Fluent
import Foundation
import SQLKit
@testable import Switchboard
import Testing
import Vapor

@Suite("Audit log")
struct AuditTests {
    @Test("cursor pages walk every event once, newest first, even when times tie")
    func paging() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            // 25 keys created at the same instant: equal sort keys, told apart by id.
            for index in 0..<25 {
                _ = try await app.send(.POST, "/api/v1/api-keys", key: a.key(.owner), json: CreateAPIKeyInput(name: "k\(index)", role: .agent))
            }
            clock.advance(5)
            _ = try await app.send(.POST, "/api/v1/api-keys", key: a.key(.owner), json: CreateAPIKeyInput(name: "latest", role: .agent))

            var seen: [UUID] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "/api/v1/audit-events?action=api_key.created&limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await app.send(.GET, query, key: a.key(.agent)).decode(CursorPage<AuditEventDTO>.self)
                if pages == 0 { #expect(page.items.first?.after?.contains("latest") == true) }
                seen += page.items.map(\.id)
                cursor = page.nextCursor
                #expect(page.hasMore == (cursor != nil))
                pages += 1
            } while cursor != nil && pages < 20

            let total = try await AuditEvent.query(on: app.db).filter(\.$action == "api_key.created").filter(\.$workspaceID == a.id).count()
            #expect(seen.count == total)
            #expect(Set(seen).count == total)
            #expect(pages == Int((Double(total) / 10).rounded(.up)))
        }
    }

    @Test("filters by action, target and actor")
    func filters() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            _ = try await app.send(.PATCH, "/api/v1/members/\(a.memberID(.agent))", key: a.key(.owner), json: ChangeRoleInput(role: .manager))

            let byAction = try await app.send(.GET, "/api/v1/audit-events?action=member.role_changed", key: a.key(.agent)).decode(CursorPage<AuditEventDTO>.self)
            let byTarget = try await app.send(.GET, "/api/v1/audit-events?targetType=member&targetId=\(a.memberID(.agent))", key: a.key(.agent)).decode(CursorPage<AuditEventDTO>.self)
            let byActor = try await app.send(.GET, "/api/v1/audit-events?actor=owner%20key", key: a.key(.agent)).decode(CursorPage<AuditEventDTO>.self)
            let none = try await app.send(.GET, "/api/v1/audit-events?action=nothing.happened", key: a.key(.agent)).decode(CursorPage<AuditEventDTO>.self)

            #expect(byAction.items.map(\.action) == ["member.role_changed"])
            #expect(byTarget.items.count == 1)
            #expect(byActor.items.map(\.action) == ["member.role_changed"])
            #expect(none.items.isEmpty && !none.hasMore && none.nextCursor == nil)
        }
    }

    @Test("the database refuses to change or delete an audit event")
    func appendOnly() async throws {
        try await withTestApp { app in
            _ = try await Seed.workspace(app, slug: "alpha")
            let count = try await AuditEvent.query(on: app.db).count()

            await #expect(throws: (any Error).self) { try await app.db.sql.raw("UPDATE audit_events SET action = 'forged'").run() }
            await #expect(throws: (any Error).self) { try await app.db.sql.raw("DELETE FROM audit_events").run() }

            #expect(try await AuditEvent.query(on: app.db).count() == count)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "forged").count() == 0)
        }
    }

    @Test("snapshots redact every secret-named field")
    func redaction() throws {
        struct Snapshot: Encodable {
            var name = "acct"
            var accessToken = "EAAG-secret-token"
            var nested = ["appSecret": "shh", "webhookUrl": "https://x.example"]
            var password = "hunter2hunter2"
        }
        let json = try AuditLog.snapshot(Snapshot())
        #expect(json.contains("acct") && json.contains("https://x.example"))
        for secret in ["EAAG-secret-token", "shh", "hunter2hunter2"] { #expect(!json.contains(secret)) }
    }
}
