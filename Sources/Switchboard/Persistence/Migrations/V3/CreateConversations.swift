import Fluent

extension V3 {
    /// One thread per workspace, account and contact, with what the inbox lists: status, unread, 24-hour window.
    struct CreateConversations: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("conversations")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("account_id", .uuid, .required, .references("whatsapp_accounts", "id"))
                .field("contact_id", .uuid, .required, .references("contacts", "id"))
                .field("status", .string, .required)
                .field("last_message_at", .datetime, .required)
                .field("unread_count", .int, .required)
                .field("window_expires_at", .datetime)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            try await database.createIndex(ConversationIndex.thread, on: "conversations", ["workspace_id", "account_id", "contact_id"], unique: true)
            try await database.createIndex("ix_conversations_list", on: "conversations", ["workspace_id", "status", "last_message_at", "id"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("conversations").delete()
        }
    }
}

enum ConversationIndex {
    static let thread = "uq_conversations_thread"
}
