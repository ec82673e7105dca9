import Fluent

extension V3 {
    /// Inbound and outbound messages; unique per account and WhatsApp message id, which deduplicates retries.
    struct CreateMessages: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("messages")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("account_id", .uuid, .required, .references("whatsapp_accounts", "id"))
                .field("conversation_id", .uuid, .required, .references("conversations", "id"))
                .field("contact_id", .uuid, .required, .references("contacts", "id"))
                .field("direction", .string, .required)
                .field("wamid", .string)
                .field("type", .string, .required)
                .field("content", .string, .required)
                .field("status", .string, .required)
                .field("error_code", .int)
                .field("error_title", .string)
                .field("error_detail", .string)
                .field("pricing", .string)
                .field("reply_to_wamid", .string)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .field("status_at", .datetime, .required)
                .create()
            try await database.createIndex(MessageIndex.wamid, on: "messages", ["account_id", "wamid"], unique: true)
            try await database.createIndex("ix_messages_conversation", on: "messages", ["conversation_id", "created_at", "id"])
            try await database.createIndex("ix_messages_workspace", on: "messages", ["workspace_id", "created_at", "id"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("messages").delete()
        }
    }
}

enum MessageIndex {
    static let wamid = "uq_messages_account_wamid"
}
