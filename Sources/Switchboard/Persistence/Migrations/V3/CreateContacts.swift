import Fluent

extension V3 {
    /// The people a workspace talks to, keyed by phone number (wa_id) and/or business-scoped user id.
    struct CreateContacts: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("contacts")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("wa_id", .string)
                .field("user_id", .string)
                .field("profile_name", .string)
                .field("search_text", .string, .required)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            try await database.createIndex(ContactIndex.waID, on: "contacts", ["workspace_id", "wa_id"], unique: true)
            try await database.createIndex(ContactIndex.userID, on: "contacts", ["workspace_id", "user_id"], unique: true)
            try await database.createIndex("ix_contacts_workspace", on: "contacts", ["workspace_id", "created_at", "id"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("contacts").delete()
        }
    }
}

enum ContactIndex {
    static let waID = "uq_contacts_workspace_wa_id"
    static let userID = "uq_contacts_workspace_user_id"
}
