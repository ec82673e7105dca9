import Fluent

extension V1 {
    /// API keys are workspace credentials, stored as SHA-256 hashes and looked up by hash.
    struct CreateAPIKeys: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("api_keys")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("name", .string, .required)
                .field("role", .string, .required)
                .field("prefix", .string, .required)
                .field("key_hash", .string, .required)
                .field("created_by", .string)
                .field("last_used_at", .datetime)
                .field("revoked_at", .datetime)
                .field("created_at", .datetime, .required)
                .unique(on: "key_hash", name: "uq_api_keys_hash")
                .create()
            try await database.createIndex("ix_api_keys_workspace", on: "api_keys", ["workspace_id", "created_at"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("api_keys").delete()
        }
    }
}
