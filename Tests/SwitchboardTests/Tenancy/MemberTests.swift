import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Members")
struct MemberTests {
    @Test("add a new person, change their role, remove them; each step audited")
    func lifecycle() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")

            let added = try await app.send(.POST, "/api/v1/members", key: a.key(.owner),
                                           json: AddMemberInput(email: " New@Example.com ", name: "New", role: .agent, password: "a long enough password"))
            #expect(added.status == .created)
            let member = try added.decode(MemberDTO.self)
            #expect(member.email == "new@example.com")
            #expect(!added.text.contains("password"))

            let changed = try await app.send(.PATCH, "/api/v1/members/\(member.id)", key: a.key(.owner), json: ChangeRoleInput(role: .admin))
            #expect(try changed.decode(MemberDTO.self).role == .admin)

            let removed = try await app.send(.DELETE, "/api/v1/members/\(member.id)", key: a.key(.owner))
            #expect(removed.status == .noContent)

            let list = try await app.send(.GET, "/api/v1/members", key: a.key(.agent))
            #expect(!list.text.contains("new@example.com"))
            let actions = try await AuditEvent.query(on: app.db).filter(\.$targetID == member.id.uuidString).all().map(\.action)
            #expect(Set(actions) == ["member.added", "member.role_changed", "member.removed"])
            let change = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "member.role_changed").first())
            #expect(change.before?.contains(#""role":"agent""#) == true)
            #expect(change.after?.contains(#""role":"admin""#) == true)
            #expect(change.actorLabel == "owner key")
        }
    }

    @Test("an existing member of another workspace joins without a password; a second add is a 409")
    func existingPerson() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            _ = try await Seed.workspace(app, slug: "bravo")

            let joined = try await app.send(.POST, "/api/v1/members", key: a.key(.owner), json: AddMemberInput(email: "agent@bravo.test", role: .manager))
            let again = try await app.send(.POST, "/api/v1/members", key: a.key(.owner), json: AddMemberInput(email: "agent@bravo.test", role: .manager))
            let newcomer = try await app.send(.POST, "/api/v1/members", key: a.key(.owner), json: AddMemberInput(email: "nobody@example.com", role: .agent))

            #expect(joined.status == .created)
            #expect(again.status == .conflict)
            #expect(again.problemType == "already_member")
            #expect(newcomer.status == .unprocessableEntity)
            #expect(newcomer.fieldErrors == ["password"])
        }
    }

    @Test("the last owner can be neither demoted nor removed")
    func lastOwner() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let owner = a.memberID(.owner)

            let demote = try await app.send(.PATCH, "/api/v1/members/\(owner)", key: a.key(.owner), json: ChangeRoleInput(role: .admin))
            let remove = try await app.send(.DELETE, "/api/v1/members/\(owner)", key: a.key(.owner))

            #expect(demote.status == .conflict)
            #expect(demote.problemType == "last_owner")
            #expect(remove.status == .conflict)
            let promoted = try await app.send(.PATCH, "/api/v1/members/\(a.memberID(.admin))", key: a.key(.owner), json: ChangeRoleInput(role: .owner))
            #expect(promoted.status == .ok)
            let nowAllowed = try await app.send(.PATCH, "/api/v1/members/\(owner)", key: a.key(.owner), json: ChangeRoleInput(role: .admin))
            #expect(nowAllowed.status == .ok)
        }
    }

    @Test("two owners demoting each other at once leave one owner")
    func concurrentDemotion() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            _ = try await app.send(.PATCH, "/api/v1/members/\(a.memberID(.admin))", key: a.key(.owner), json: ChangeRoleInput(role: .owner))

            async let first = app.send(.PATCH, "/api/v1/members/\(a.memberID(.owner))", key: a.key(.owner), json: ChangeRoleInput(role: .agent))
            async let second = app.send(.PATCH, "/api/v1/members/\(a.memberID(.admin))", key: a.key(.owner), json: ChangeRoleInput(role: .agent))
            let statuses = try await [first.status, second.status]

            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 1)
            let owners = try await Membership.query(on: app.db).filter(\.$workspaceID == a.id).filter(\.$role == .owner).count()
            #expect(owners == 1)
        }
    }
}
