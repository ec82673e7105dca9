import Fluent

extension V3 {
    /// The status history of messages, also for wamids not (yet) known; one row per (account, wamid, status).
    struct CreateMessageStatusEvents: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("message_status_events")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("account_id", .uuid, .required, .references("whatsapp_accounts", "id"))
                .field("message_id", .uuid, .references("messages", "id"))
                .field("wamid", .string, .required)
                .field("status", .string, .required)
                .field("occurred_at", .datetime, .required)
                .field("error_code", .int)
                .field("raw", .string, .required)
                .field("received_at", .datetime, .required)
                .create()
            try await database.createIndex(StatusEventIndex.once, on: "message_status_events", ["account_id", "wamid", "status"], unique: true)
            try await database.createIndex("ix_message_status_events_message", on: "message_status_events", ["message_id", "occurred_at"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("message_status_events").delete()
        }
    }
}

enum StatusEventIndex {
    static let once = "uq_message_status_events_once"
}
