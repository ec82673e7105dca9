import Fluent

extension V3 {
    /// Every signed Meta webhook delivery as received, so nothing acknowledged is ever lost or unexplained.
    struct CreateWebhookDeliveries: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("webhook_deliveries")
                .id()
                .field("received_at", .datetime, .required)
                .field("signature_status", .string, .required)
                .field("body", .string, .required)
                .field("parse_error", .string)
                .field("change_count", .int, .required)
                .create()
            try await database.createIndex("ix_webhook_deliveries_received", on: "webhook_deliveries", ["received_at", "id"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("webhook_deliveries").delete()
        }
    }
}
