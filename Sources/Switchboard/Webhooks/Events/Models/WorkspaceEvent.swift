import Fluent
import Foundation

/// Something that happened in a workspace, stored as the exact JSON its webhook endpoints receive.
final class WorkspaceEvent: Model, @unchecked Sendable {
    static let schema = "events"

    @ID(key: .id) var id: UUID?
    @Field(key: "workspace_id") var workspaceID: UUID
    @Field(key: "kind") var kind: String
    /// The envelope `{id, type, workspaceId, createdAt, data}` as sent; never holds a secret.
    @Field(key: "payload") var payload: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
