import Fluent
import Foundation

/// A dashboard login. The cookie holds a random token; only its SHA-256 is stored.
public final class DashboardSession: Model, @unchecked Sendable {
    public static let schema = "sessions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "member_id") public var memberID: UUID
    /// The workspace the member is looking at; switched from the dashboard, checked against memberships on every request.
    @Field(key: "workspace_id") public var workspaceID: UUID
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date

    public init() {}

    public init(tokenHash: String, memberID: UUID, workspaceID: UUID, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.memberID = memberID
        self.workspaceID = workspaceID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
