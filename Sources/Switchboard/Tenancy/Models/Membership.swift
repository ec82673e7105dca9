import Fluent
import Foundation

/// A member's role in one workspace.
public final class Membership: Model, @unchecked Sendable {
    public static let schema = "memberships"

    @ID(key: .id) public var id: UUID?
    @Field(key: "workspace_id") public var workspaceID: UUID
    @Field(key: "member_id") public var memberID: UUID
    @Field(key: "role") public var role: Role
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(workspaceID: UUID, memberID: UUID, role: Role, at time: Date) {
        self.workspaceID = workspaceID
        self.memberID = memberID
        self.role = role
        self.createdAt = time
    }
}
