import Fluent

extension V2 {
    /// Per-workspace WhatsApp settings: the platform switch, alert recipients, toggles, signature.
    struct CreateWhatsAppSettings: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("whatsapp_settings")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("use_platform_account", .bool, .required)
                .field("alert_recipients", .string, .required)
                .field("notification_toggles", .string, .required)
                .field("signature", .string)
                .field("notifications_enabled", .bool, .required)
                .field("updated_by", .string)
                .field("updated_at", .datetime, .required)
                .unique(on: "workspace_id", name: "uq_whatsapp_settings_workspace")
                .create()
        }

        func revert(on database: Database) async throws {
            try await database.schema("whatsapp_settings").delete()
        }
    }
}
