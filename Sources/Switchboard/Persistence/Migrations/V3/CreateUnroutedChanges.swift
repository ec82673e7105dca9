import Fluent

extension V3 {
    /// Changes of a signed delivery that no account owns, kept for the platform admin instead of dropped.
    struct CreateUnroutedChanges: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("unrouted_changes")
                .id()
                .field("delivery_id", .uuid, .required, .references("webhook_deliveries", "id"))
                .field("phone_number_id", .string)
                .field("business_account_id", .string)
                .field("field", .string, .required)
                .field("raw", .string, .required)
                .field("received_at", .datetime, .required)
                .create()
            try await database.createIndex("ix_unrouted_changes_received", on: "unrouted_changes", ["received_at", "id"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("unrouted_changes").delete()
        }
    }
}
