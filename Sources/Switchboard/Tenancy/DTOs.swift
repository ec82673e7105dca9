import Foundation
import Vapor

/// What the API says about a workspace.
public struct WorkspaceDTO: Content, Equatable {
    public var id: UUID
    public var name: String
    public var slug: String
    public var createdAt: Date
    /// The role of the credential that asked.
    public var role: Role?

    init(_ workspace: Workspace, role: Role?) throws {
        id = try workspace.requireID()
        name = workspace.name
        slug = workspace.slug
        createdAt = workspace.createdAt
        self.role = role
    }
}

/// A member as seen from one workspace: their role there.
public struct MemberDTO: Content, Equatable {
    public var id: UUID
    public var email: String
    public var name: String
    public var role: Role
    public var joinedAt: Date

    init(_ member: Member, _ membership: Membership) throws {
        id = try member.requireID()
        email = member.email
        name = member.name
        role = membership.role
        joinedAt = membership.createdAt
    }
}

/// An API key's metadata; never the key itself.
public struct APIKeyDTO: Content, Equatable {
    public var id: UUID
    public var name: String
    public var role: Role
    public var prefix: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    init(_ key: APIKey) throws {
        id = try key.requireID()
        name = key.name
        role = key.role
        prefix = key.prefix
        createdAt = key.createdAt
        lastUsedAt = key.lastUsedAt
        revokedAt = key.revokedAt
    }
}

/// The answer to creating a key: the only time the key is shown.
public struct CreatedAPIKeyDTO: Content {
    public var apiKey: APIKeyDTO
    public var key: String
}

public struct AuditEventDTO: Content, Equatable {
    public var id: UUID
    public var action: String
    public var actorType: String
    public var actorId: String?
    public var actorLabel: String
    public var targetType: String
    public var targetId: String?
    public var before: String?
    public var after: String?
    public var requestId: String?
    public var createdAt: Date

    init(_ event: AuditEvent) throws {
        id = try event.requireID()
        action = event.action
        actorType = event.actorType
        actorId = event.actorID
        actorLabel = event.actorLabel
        targetType = event.targetType
        targetId = event.targetID
        before = event.before
        after = event.after
        requestId = event.requestID
        createdAt = event.createdAt
    }
}

extension CursorPage: RequestDecodable, ResponseEncodable, AsyncRequestDecodable, AsyncResponseEncodable, Content where Item: Content {}
