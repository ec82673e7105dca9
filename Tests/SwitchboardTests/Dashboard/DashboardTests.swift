import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Dashboard")
struct DashboardTests {
    @Test("log in, see members, add one, log out")
    func loginFlow() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let browser = DashboardClient(app)

            let login = try await browser.login("owner@alpha.test", Seed.password)
            #expect(login.status == .seeOther)
            let session = try #require(browser.lastSetCookies.first { $0.hasPrefix("sb_session=") })
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax"))
            #expect(!session.contains("Secure"))

            let members = try await browser.get("/dashboard/members")
            #expect(members.status == .ok)
            #expect(members.text.contains("agent@alpha.test"))
            #expect(members.headers.first(name: "Content-Security-Policy") != nil)

            let added = try await browser.post("/dashboard/members", ["email": "fresh@alpha.test", "role": "agent", "password": "another long password"])
            #expect(added.status == .seeOther)
            #expect(try await browser.get("/dashboard/members").text.contains("fresh@alpha.test"))
            let audit = try await browser.get("/dashboard/audit?action=member.added")
            #expect(audit.text.contains("member.added") && audit.text.contains("owner@alpha.test"))

            _ = try await browser.post("/logout", [:])
            let after = try await browser.get("/dashboard/members")
            #expect(after.status == .seeOther)
            #expect(after.headers.first(name: .location) == "/login")
            _ = a
        }
    }

    @Test("a search that closes the attribute it is echoed in comes back escaped on every filter form")
    func reflectedSearch() async throws {
        try await withTestApp { app in
            _ = try await Seed.workspace(app, slug: "alpha")
            let browser = DashboardClient(app)
            _ = try await browser.login("owner@alpha.test", Seed.password)
            let hostile = "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"
            for path in ["/dashboard/accounts?search=\(hostile)", "/dashboard/audit?action=\(hostile)", "/dashboard/inbox?q=\(hostile)"] {
                let page = try await browser.get(path)
                #expect(page.text.contains("&quot;&gt;&lt;script&gt;") && !page.text.contains("<script>alert"), "\(path)")
            }
        }
    }

    @Test("a form post without the CSRF token is refused and writes nothing")
    func csrf() async throws {
        try await withTestApp { app in
            _ = try await Seed.workspace(app, slug: "alpha")
            let browser = DashboardClient(app)
            _ = try await browser.login("owner@alpha.test", Seed.password)
            let before = try await Seed.counts(app)

            let forged = try await browser.post("/dashboard/members", ["email": "x@alpha.test", "role": "agent", "password": "another long password"], csrf: "forged")

            #expect(forged.status == .forbidden)
            #expect(try await Seed.counts(app) == before)
        }
    }

    @Test("wrong passwords are limited per email with a 429")
    func throttle() async throws {
        try await withTestApp { app in
            _ = try await Seed.workspace(app, slug: "alpha")
            let browser = DashboardClient(app)

            var statuses: [HTTPStatus] = []
            for _ in 0..<6 { statuses.append(try await browser.login("owner@alpha.test", "wrong password!!").status) }
            let rightButLimited = try await browser.login("owner@alpha.test", Seed.password)

            #expect(statuses.prefix(5).allSatisfy { $0 == .unauthorized })
            #expect(statuses.last == .tooManyRequests)
            #expect(rightButLimited.status == .tooManyRequests)
        }
    }

    @Test("an agent sees members but not API keys or platform pages, and cannot post owner forms")
    func agentPages() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let browser = DashboardClient(app)
            _ = try await browser.login("agent@alpha.test", Seed.password)

            #expect(try await browser.get("/dashboard/members").status == .ok)
            #expect(try await browser.get("/dashboard/audit").status == .ok)
            #expect(try await browser.get("/dashboard/api-keys").status == .forbidden)
            #expect(try await browser.get("/dashboard/workspaces").status == .forbidden)
            let remove = try await browser.post("/dashboard/members/\(a.memberID(.owner))/remove", [:])
            #expect(remove.status == .forbidden)
        }
    }

    @Test("an owner creates an API key on the page and sees it once")
    func apiKeyPage() async throws {
        try await withTestApp { app in
            _ = try await Seed.workspace(app, slug: "alpha")
            let browser = DashboardClient(app)
            _ = try await browser.login("owner@alpha.test", Seed.password)

            let created = try await browser.post("/dashboard/api-keys", ["name": "Zapier", "role": "manager"])
            let key = try #require(created.text.firstMatch(of: /sb_[a-z0-9]+_[A-Za-z0-9_-]{20,}/)).output
            let later = try await browser.get("/dashboard/api-keys")

            #expect(created.status == .created)
            #expect(later.text.contains("Zapier"))
            #expect(!later.text.contains(String(key)))
            #expect(try await app.send(.GET, "/api/v1/workspaces/current", key: String(key)).status == .ok)
        }
    }

    @Test("a member of two workspaces switches between them, and only to their own")
    func workspaceSwitch() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let b = try await Seed.workspace(app, slug: "bravo")
            let c = try await Seed.workspace(app, slug: "charlie")
            try await Membership(workspaceID: b.id, memberID: a.memberID(.owner), role: .agent, at: Date()).create(on: app.db)
            let browser = DashboardClient(app)
            _ = try await browser.login("owner@alpha.test", Seed.password)

            let page = try await browser.get("/dashboard/members")
            #expect(page.text.contains("Workspace alpha") && page.text.contains("Workspace bravo"))
            #expect(!page.text.contains("Workspace charlie"))

            _ = try await browser.post("/dashboard/workspace", ["workspaceId": b.id.uuidString])
            let inB = try await browser.get("/dashboard/members")
            #expect(inB.text.contains("agent@bravo.test"))
            #expect(try await browser.get("/dashboard/api-keys").status == .forbidden)

            let sneaky = try await browser.post("/dashboard/workspace", ["workspaceId": c.id.uuidString])
            #expect(sneaky.status == .notFound)
        }
    }

    @Test("a platform admin creates a workspace for an existing member")
    func platformWorkspaces() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let admin = try #require(try await Member.find(a.memberID(.owner), on: app.db))
            admin.isPlatformAdmin = true
            try await admin.save(on: app.db)
            let browser = DashboardClient(app)
            _ = try await browser.login("owner@alpha.test", Seed.password)

            let created = try await browser.post("/dashboard/workspaces", ["name": "Acme Rentals", "slug": "acme", "ownerEmail": "manager@alpha.test"])
            let duplicate = try await browser.post("/dashboard/workspaces", ["name": "Acme 2", "slug": "acme", "ownerEmail": "manager@alpha.test"])

            #expect(created.status == .seeOther)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.text.contains("slug"))
            let acme = try #require(try await Workspace.query(on: app.db).filter(\.$slug == "acme").first())
            let role = try await Membership.query(on: app.db).filter(\.$workspaceID == acme.requireID())
                .filter(\.$memberID == a.memberID(.manager)).first()?.role
            #expect(role == .owner)
        }
    }
}
