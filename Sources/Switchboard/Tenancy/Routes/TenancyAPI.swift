import Fluent
import Vapor

/// `/api/v1` routes of the tenancy capability: the current workspace, members, API keys, the audit log.
struct TenancyAPI {
    func register(on api: RoutesBuilder) {
        api.api(.GET, "workspaces", "current", operation: .init(
            "getCurrentWorkspace", "The workspace of the credential", permission: .read, response: "Workspace"), use: currentWorkspace)

        api.api(.GET, "members", operation: .init(
            "listMembers", "Members of the workspace with their roles", permission: .read, response: "MemberList"), use: listMembers)
        api.api(.POST, "members", operation: .init(
            "addMember", "Add a person with a role (a password is required for someone new)", permission: .manageAccess,
            request: "AddMember", success: 201, response: "Member", errors: [409]), use: addMember)
        api.api(.PATCH, "members", ":memberID", operation: .init(
            "changeMemberRole", "Change a member's role; the last owner stays", permission: .manageAccess,
            request: "ChangeRole", response: "Member", errors: [404, 409]), use: changeRole)
        api.api(.DELETE, "members", ":memberID", operation: .init(
            "removeMember", "Remove a member from the workspace; the last owner stays", permission: .manageAccess,
            success: 204, errors: [404, 409]), use: removeMember)

        api.api(.GET, "api-keys", operation: .init(
            "listAPIKeys", "API keys of the workspace (never the keys themselves)", permission: .manageAccess,
            response: "APIKeyList"), use: listKeys)
        api.api(.POST, "api-keys", operation: .init(
            "createAPIKey", "Create an API key; the answer is the only time the key is shown", permission: .manageAccess,
            request: "CreateAPIKey", success: 201, response: "CreatedAPIKey"), use: createKey)
        api.api(.DELETE, "api-keys", ":keyID", operation: .init(
            "revokeAPIKey", "Revoke an API key", permission: .manageAccess, response: "APIKey", errors: [404]), use: revokeKey)

        api.api(.GET, "audit-events", operation: .init(
            "listAuditEvents", "The audit log, newest first", permission: .read,
            query: [.param("action", .string(max: 100), "Only this action, e.g. member.added"),
                    .param("targetType", .string(max: 100), "Only this target type"),
                    .param("targetId", .string(max: 100), "Only this target id"),
                    .param("actor", .string(max: 254), "Only this actor (email, key name or id)"),
                    .param("limit", .integer(min: 1, max: 100), "Page size, 1 to 100 (default 20)"),
                    .param("cursor", .string(max: 2048), "The nextCursor of the previous page")],
            response: "AuditEventPage"), use: listAuditEvents)
    }

    func currentWorkspace(_ req: Request) async throws -> WorkspaceDTO {
        let principal = try req.principal
        guard let workspace = try await Workspace.find(principal.workspaceID, on: req.db) else { throw Problem.notFound("Workspace") }
        return try WorkspaceDTO(workspace, role: principal.role)
    }

    func listMembers(_ req: Request) async throws -> ItemList<MemberDTO> {
        ItemList(items: try await req.members.list(workspaceID: try req.principal.workspaceID, on: req.db))
    }

    func addMember(_ req: Request) async throws -> Response {
        let input = try req.input(AddMemberInput.self)
        let member = try await req.members.add(input, context: try req.auditContext, writer: req.transactor)
        return try await member.encodeResponse(status: .created, for: req)
    }

    func changeRole(_ req: Request) async throws -> MemberDTO {
        let input = try req.input(ChangeRoleInput.self)
        return try await req.members.changeRole(memberID: try req.uuid("memberID"), to: input.role,
                                                context: try req.auditContext, writer: req.transactor)
    }

    func removeMember(_ req: Request) async throws -> HTTPStatus {
        try await req.members.remove(memberID: try req.uuid("memberID"), context: try req.auditContext, writer: req.transactor)
        return .noContent
    }

    func listKeys(_ req: Request) async throws -> ItemList<APIKeyDTO> {
        ItemList(items: try await req.apiKeys.list(workspaceID: try req.principal.workspaceID, on: req.db))
    }

    func createKey(_ req: Request) async throws -> Response {
        let input = try req.input(CreateAPIKeyInput.self)
        let created = try await req.apiKeys.create(input, context: try req.auditContext, writer: req.transactor)
        return try await created.encodeResponse(status: .created, for: req)
    }

    func revokeKey(_ req: Request) async throws -> APIKeyDTO {
        try await req.apiKeys.revoke(id: try req.uuid("keyID"), context: try req.auditContext, writer: req.transactor)
    }

    func listAuditEvents(_ req: Request) async throws -> CursorPage<AuditEventDTO> {
        let query = try req.query.decode(AuditQuery.self)
        return try await AuditQuery.Run(query: query, workspaceID: try req.principal.workspaceID).page(on: req.db)
    }
}

/// A list that is always short enough to return whole.
public struct ItemList<Item: Content>: Content {
    public var items: [Item]
}

extension Request {
    var members: MemberService { MemberService(passwords: switchboard.passwords, clock: clock) }
    var apiKeys: APIKeyService { APIKeyService(clock: clock, random: switchboard.clients.random) }

    /// A UUID path parameter; anything else is a 404, the same as a missing object.
    func uuid(_ name: String) throws(Problem) -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else { throw Problem.notFound("The object") }
        return id
    }
}
