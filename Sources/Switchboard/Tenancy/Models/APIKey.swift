import Fluent
import Foundation

/// A workspace credential for the API. Only the SHA-256 of the key is stored; the prefix identifies it to people.
public final class APIKey: Model, @unchecked Sendable {
    public static let schema = "api_keys"

    @ID(key: .id) public var id: UUID?
    @Field(key: "workspace_id") public var workspaceID: UUID
    @Field(key: "name") public var name: String
    @Field(key: "role") public var role: Role
    @Field(key: "prefix") public var prefix: String
    @Field(key: "key_hash") public var keyHash: String
    @OptionalField(key: "created_by") public var createdBy: String?
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(workspaceID: UUID, name: String, role: Role, prefix: String, keyHash: String, createdBy: String?, at time: Date) {
        self.workspaceID = workspaceID
        self.name = name
        self.role = role
        self.prefix = prefix
        self.keyHash = keyHash
        self.createdBy = createdBy
        self.createdAt = time
    }
}
