import Fluent

extension V4 {
    /// Accepted sends waiting for a dispatcher: written in the same transaction as the message, claimed with a lease.
    struct CreateOutbox: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("outbox")
                .id()
                .field("message_id", .uuid, .required, .references("messages", "id"))
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("account_id", .uuid, .required, .references("whatsapp_accounts", "id"))
                .field("available_at", .datetime, .required)
                .field("lease_owner", .string)
                .field("lease_until", .datetime)
                .field("attempts", .int, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await database.createIndex("uq_outbox_message", on: "outbox", ["message_id"], unique: true)
            try await database.createIndex("ix_outbox_due", on: "outbox", ["available_at", "id"])
            try await database.createIndex("ix_outbox_account", on: "outbox", ["account_id", "available_at"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("outbox").delete()
        }
    }
}
