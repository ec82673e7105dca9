import Fluent

extension V1 {
    /// Every encrypted secret in one table, with the id of the key that sealed it, so rotation walks one table.
    struct CreateSecrets: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("secrets")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("purpose", .string, .required)
                .field("key_id", .string, .required)
                .field("ciphertext", .string, .required)
                .field("last4", .string, .required)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            try await database.createIndex("ix_secrets_workspace", on: "secrets", ["workspace_id"])
            try await database.createIndex("ix_secrets_key", on: "secrets", ["key_id"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("secrets").delete()
        }
    }
}
