import Fluent
import Foundation

/// Creating workspaces and finding the ones a member belongs to.
public enum WorkspaceService {
    /// A slug: 2 to 48 of a-z, 0-9 and '-', not starting or ending with '-'.
    public static func isValidSlug(_ slug: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        return (2...48).contains(slug.count) && slug.allSatisfy(allowed.contains) && !slug.hasPrefix("-") && !slug.hasSuffix("-")
    }

    /// Creates a workspace with its first owner, and audits it, in the caller's transaction.
    public static func create(name: String, slug: String, owner: Member, actor: Principal.Actor, requestID: String?,
                              at time: Date, on db: Database) async throws -> Workspace {
        var checks = FieldChecks()
        let name = checks.text("name", name, min: 2, max: 120) ?? ""
        if !isValidSlug(slug) { checks.fail("slug", "must be 2 to 48 of a-z, 0-9 and '-'") }
        try checks.check()
        if try await Workspace.query(on: db).filter(\.$slug == slug).first() != nil {
            throw Problem.conflict("slug_taken", field: "slug", detail: "A workspace with this slug exists.")
        }
        let workspace = Workspace(name: name, slug: slug, at: time)
        try await workspace.create(on: db)
        let workspaceID = try workspace.requireID()
        try await Membership(workspaceID: workspaceID, memberID: try owner.requireID(), role: .owner, at: time).create(on: db)
        let context = AuditContext(actor: actor, workspaceID: workspaceID, requestID: requestID)
        try await AuditLog.record("workspace.created", target: ("workspace", workspaceID.uuidString),
                                  after: try WorkspaceDTO(workspace, role: nil), context: context, at: time, on: db)
        return workspace
    }

    /// The workspaces a member belongs to, by name, with their role in each.
    public static func memberships(of memberID: UUID, on db: Database) async throws -> [(Workspace, Role)] {
        let memberships = try await Membership.query(on: db).filter(\.$memberID == memberID).all()
        let roles = Dictionary(memberships.map { ($0.workspaceID, $0.role) }, uniquingKeysWith: { first, _ in first })
        guard !roles.isEmpty else { return [] }
        let workspaces = try await Workspace.query(on: db).filter(\.$id ~~ Array(roles.keys)).sort(\.$name).all()
        return workspaces.compactMap { workspace in workspace.id.flatMap { roles[$0] }.map { (workspace, $0) } }
    }
}
