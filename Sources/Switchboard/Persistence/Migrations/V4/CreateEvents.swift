import Fluent

extension V4 {
    /// Events for workspaces, their webhook endpoints, and one delivery (with its attempts) per event and endpoint.
    struct CreateEvents: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("events")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("kind", .string, .required)
                .field("payload", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await database.createIndex("ix_events_workspace", on: "events", ["workspace_id", "created_at", "id"])
            try await database.schema("webhook_endpoints")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("url", .string, .required)
                .field("secret_secret_id", .uuid, .required, .references("secrets", "id"))
                .field("event_kinds", .string, .required)
                .field("is_active", .bool, .required)
                .field("created_by", .string)
                .field("updated_by", .string)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            try await database.createIndex("ix_webhook_endpoints_workspace", on: "webhook_endpoints", ["workspace_id", "created_at", "id"])
            try await database.schema("event_deliveries")
                .id()
                .field("event_id", .uuid, .required, .references("events", "id"))
                .field("endpoint_id", .uuid, .required, .references("webhook_endpoints", "id"))
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("state", .string, .required)
                .field("attempts", .int, .required)
                .field("next_attempt_at", .datetime)
                .field("lease_owner", .string)
                .field("lease_until", .datetime)
                .field("last_status_code", .int)
                .field("last_error", .string)
                .field("delivered_at", .datetime)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            try await database.createIndex("ix_event_deliveries_due", on: "event_deliveries", ["state", "next_attempt_at", "id"])
            try await database.createIndex("ix_event_deliveries_endpoint", on: "event_deliveries", ["endpoint_id", "created_at", "id"])
            try await database.schema("event_delivery_attempts")
                .id()
                .field("delivery_id", .uuid, .required, .references("event_deliveries", "id"))
                .field("attempted_at", .datetime, .required)
                .field("status_code", .int)
                .field("error", .string)
                .field("duration_ms", .int, .required)
                .create()
            try await database.createIndex("ix_event_delivery_attempts_delivery", on: "event_delivery_attempts", ["delivery_id", "attempted_at"])
        }

        func revert(on database: Database) async throws {
            for table in ["event_delivery_attempts", "event_deliveries", "webhook_endpoints", "events"] {
                try await database.schema(table).delete()
            }
        }
    }
}
