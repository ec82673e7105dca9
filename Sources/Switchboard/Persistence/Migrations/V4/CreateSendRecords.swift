import Fluent

extension V4 {
    /// What sending adds to a message: the resolver's decision, every step of its history, idempotency keys.
    struct CreateSendRecords: AsyncMigration {
        func prepare(on database: Database) async throws {
            // One column per statement: SQLite's ALTER TABLE adds one at a time.
            try await database.schema("messages").field("decision", .string).update()
            try await database.schema("messages").field("created_by", .string).update()
            try await database.schema("message_history")
                .id()
                .field("message_id", .uuid, .required, .references("messages", "id"))
                .field("status", .string, .required)
                .field("occurred_at", .datetime, .required)
                .field("error_code", .int)
                .field("detail", .string)
                .create()
            try await database.createIndex("ix_message_history_message", on: "message_history", ["message_id", "occurred_at"])
            try await database.schema("idempotency_keys")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("key", .string, .required)
                .field("request_hash", .string, .required)
                .field("message_id", .uuid, .required, .references("messages", "id"))
                .field("created_at", .datetime, .required)
                .create()
            try await database.createIndex(IdempotencyIndex.key, on: "idempotency_keys", ["workspace_id", "key"], unique: true)
        }

        func revert(on database: Database) async throws {
            try await database.schema("idempotency_keys").delete()
            try await database.schema("message_history").delete()
            try await database.schema("messages").deleteField("created_by").update()
            try await database.schema("messages").deleteField("decision").update()
        }
    }
}

enum IdempotencyIndex {
    static let key = "uq_idempotency_keys_key"
}
