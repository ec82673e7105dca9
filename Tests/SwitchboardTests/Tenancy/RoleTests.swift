import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Roles, enforced in one place")
struct RoleTests {
    @Test("each role gets exactly the routes its permission allows", arguments: RouteCase.all)
    func rolesPerRoute(route: RouteCase) async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            // Weakest first, so the allowed (possibly destructive) calls come after the refused ones.
            for role in Role.allCases.reversed() {
                let before = try await Seed.counts(app)
                let reply = try await app.send(route, key: a.key(role), ids: a)
                if route.permission.isGranted(role: role, isPlatformAdmin: false) {
                    #expect(reply.status != .forbidden && reply.status != .unauthorized && reply.status.code < 500,
                            "\(role) should be allowed: \(reply.text)")
                } else {
                    #expect(reply.status == .forbidden, "\(role) should be refused")
                    #expect(try await Seed.counts(app) == before)
                }
            }
        }
    }

    @Test("a missing, malformed or revoked key is a 401 on every route", arguments: RouteCase.all)
    func credentialsChecked(route: RouteCase) async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            _ = try await APIKeyService(clock: .system, random: .system).revoke(
                id: a.keyIDs[.owner]!, context: .init(actor: .system("test"), workspaceID: a.id, requestID: nil), writer: app.transactor)

            for key in [nil, "not-a-key", "sb_abcdefgh_wrong", a.key(.owner)] {
                let reply = try await app.send(route.method, route.path(ids: a), key: key, json: route.body(a))
                #expect(reply.status == .unauthorized)
                #expect(reply.headers.contentType?.subType == "problem+json")
            }
        }
    }

    @Test("the permission table", arguments: [
        (Permission.read, Role.agent, true), (.write, .agent, false), (.write, .manager, true), (.write, .admin, true),
        (.manageAccess, .admin, false), (.manageAccess, .owner, true), (.platform, .owner, false),
    ])
    func permissionTable(permission: Permission, role: Role, granted: Bool) {
        #expect(permission.isGranted(role: role, isPlatformAdmin: false) == granted)
        #expect(Permission.platform.isGranted(role: .agent, isPlatformAdmin: true))
    }
}
