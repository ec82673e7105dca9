import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Isolation between workspaces")
struct IsolationTests {
    @Test("every /api/v1 route is in the route table", arguments: [()])
    func tableCoversEveryRoute(_: Void) async throws {
        try await withTestApp { app in
            let registered = Set(app.routes.all.filter { $0.path.first?.description == "api" }
                .map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") })
            let table = Set(RouteCase.all.map { "\($0.method.rawValue) \($0.template)" })
            #expect(registered == table)
        }
    }

    @Test("another workspace's ids answer 404 and write nothing", arguments: RouteCase.all.filter(\.takesIDs))
    func otherWorkspaceIDs(route: RouteCase) async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let b = try await Seed.workspace(app, slug: "bravo")
            let before = try await Seed.counts(app)

            let reply = try await app.send(route, key: a.key(.owner), ids: b)

            #expect(reply.status == .notFound)
            #expect(reply.problemType == "not_found")
            #expect(try await Seed.counts(app) == before)
        }
    }

    @Test("lists show only the credential's workspace", arguments: RouteCase.all.filter { $0.method == .GET })
    func listsStayInside(route: RouteCase) async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let b = try await Seed.workspace(app, slug: "bravo")

            let reply = try await app.send(route, key: a.key(.owner), ids: a)

            #expect(reply.status == .ok)
            #expect(!reply.text.contains("bravo"))
            #expect(!reply.text.contains(b.id.uuidString))
            for role in Role.allCases { #expect(!reply.text.contains(b.memberID(role).uuidString)) }
        }
    }
}
