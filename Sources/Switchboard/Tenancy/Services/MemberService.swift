import Fluent
import Foundation
import SQLKit

public struct AddMemberInput: APIInput, Encodable {
    public static let fields: Set<String> = ["email", "name", "role", "password"]
    public var email: String
    public var name: String?
    public var role: Role
    public var password: String?

    public init(email: String, name: String? = nil, role: Role, password: String? = nil) {
        self.email = email
        self.name = name
        self.role = role
        self.password = password
    }
}

public struct ChangeRoleInput: APIInput, Encodable {
    public static let fields: Set<String> = ["role"]
    public var role: Role
    public init(role: Role) { self.role = role }
}

/// Members of a workspace: add, change a role, remove. The last owner stays.
public struct MemberService: Sendable {
    public let passwords: PasswordHasher
    public let clock: Clock

    public func list(workspaceID: UUID, on db: Database) async throws -> [MemberDTO] {
        let memberships = try await Membership.query(on: db).filter(\.$workspaceID == workspaceID).all()
        let members = try await Member.query(on: db).filter(\.$id ~~ memberships.map(\.memberID)).all()
        let byID = Dictionary(members.compactMap { m in m.id.map { ($0, m) } }, uniquingKeysWith: { a, _ in a })
        return try memberships.compactMap { membership in try byID[membership.memberID].map { try MemberDTO($0, membership) } }
            .sorted { ($0.role, $1.email) > ($1.role, $0.email) }
    }

    /// Adds a person to the workspace: an existing member by email, or a new one (then a password is required).
    public func add(_ input: AddMemberInput, context: AuditContext, writer: Transactor) async throws -> MemberDTO {
        var checks = FieldChecks()
        let email = EmailAddress.normalize(input.email)
        if !EmailAddress.isValid(input.email) { checks.fail("email", "is not an email address") }
        let name = checks.text("name", input.name, max: 120, required: false)
        if let password = input.password, !PasswordPolicy.isAcceptable(password) {
            checks.fail("password", "must be \(PasswordPolicy.minimumLength) to \(PasswordPolicy.maximumLength) characters")
        }
        try checks.check()
        // Hash before the transaction: bcrypt is slow and must not hold the write lock.
        let hash: String? = if let password = input.password { try await passwords.hash(password) } else { nil }
        let time = clock.now()
        return try await writer { db in
            let existing = try await Member.query(on: db).filter(\.$email == email).first()
            let member: Member
            if let existing {
                member = existing
                let memberID = try existing.requireID()
                if try await Membership.query(on: db).filter(\.$workspaceID == context.workspaceID)
                    .filter(\.$memberID == memberID).first() != nil {
                    throw Problem.conflict("already_member", field: "email", detail: "This person is already a member of the workspace.")
                }
            } else {
                guard let hash else {
                    throw Problem.validation([FieldError("password", "is required for someone new to Switchboard")])
                }
                member = Member(email: email, name: name ?? email, passwordHash: hash, isPlatformAdmin: false, at: time)
                try await member.create(on: db)
            }
            let membership = Membership(workspaceID: context.workspaceID, memberID: try member.requireID(), role: input.role, at: time)
            try await membership.create(on: db)
            let dto = try MemberDTO(member, membership)
            try await AuditLog.record("member.added", target: ("member", dto.id.uuidString), after: dto, context: context, at: time, on: db)
            return dto
        }
    }

    public func changeRole(memberID: UUID, to role: Role, context: AuditContext, writer: Transactor) async throws -> MemberDTO {
        let time = clock.now()
        return try await writer { db in
            let (member, membership) = try await Self.find(memberID, workspaceID: context.workspaceID, on: db)
            let before = try MemberDTO(member, membership)
            if membership.role == .owner, role != .owner {
                try await Self.requireAnotherOwner(workspaceID: context.workspaceID, at: time, on: db)
            }
            membership.role = role
            try await membership.save(on: db)
            let after = try MemberDTO(member, membership)
            try await AuditLog.record("member.role_changed", target: ("member", memberID.uuidString), before: before, after: after,
                                      context: context, at: time, on: db)
            return after
        }
    }

    public func remove(memberID: UUID, context: AuditContext, writer: Transactor) async throws {
        let time = clock.now()
        try await writer { db in
            let (member, membership) = try await Self.find(memberID, workspaceID: context.workspaceID, on: db)
            let before = try MemberDTO(member, membership)
            if membership.role == .owner {
                try await Self.requireAnotherOwner(workspaceID: context.workspaceID, at: time, on: db)
            }
            try await membership.delete(on: db)
            try await DashboardSession.query(on: db).filter(\.$memberID == memberID)
                .filter(\.$workspaceID == context.workspaceID).delete()
            try await AuditLog.record("member.removed", target: ("member", memberID.uuidString), before: before,
                                      after: Optional<MemberDTO>.none, context: context, at: time, on: db)
        }
    }

    /// Another member of the workspace (of this workspace only: anything else is a 404).
    static func find(_ memberID: UUID, workspaceID: UUID, on db: Database) async throws -> (Member, Membership) {
        guard let membership = try await Membership.query(on: db).filter(\.$workspaceID == workspaceID)
                .filter(\.$memberID == memberID).first(),
              let member = try await Member.find(memberID, on: db) else {
            throw Problem.notFound("Member")
        }
        return (member, membership)
    }

    /// Refuses to take away the last owner. Touching the workspace row first serialises concurrent
    /// demotions of two owners on PostgreSQL, so both cannot see "another owner" at once.
    static func requireAnotherOwner(workspaceID: UUID, at time: Date, on db: Database) async throws {
        try await db.sql.update("workspaces").set("updated_at", to: SQLBind(time))
            .where("id", .equal, SQLBind(workspaceID)).run()
        let owners = try await Membership.query(on: db).filter(\.$workspaceID == workspaceID).filter(\.$role == .owner).count()
        if owners <= 1 {
            throw Problem.conflict("last_owner", field: "role", detail: "A workspace keeps at least one owner.")
        }
    }
}

