import Fluent
import SQLKit

extension V2 {
    /// WhatsApp accounts, with the constraints the database holds for us: unique name and phone number id per
    /// workspace, at most one default per workspace, at most one platform account (partial unique indexes).
    struct CreateWhatsAppAccounts: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("whatsapp_accounts")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("name", .string, .required)
                .field("name_key", .string, .required)
                .field("provider", .string, .required)
                .field("phone_number_id", .string)
                .field("business_account_id", .string)
                .field("display_phone_number", .string)
                .field("search_text", .string, .required)
                .field("access_token_secret_id", .uuid, .references("secrets", "id"))
                .field("app_secret_secret_id", .uuid, .references("secrets", "id"))
                .field("verify_token", .string, .required)
                .field("evolution_api_url", .string)
                .field("evolution_api_key_secret_id", .uuid, .references("secrets", "id"))
                .field("evolution_instance_name", .string)
                .field("webhook_url", .string)
                .field("status", .string, .required)
                .field("is_active", .bool, .required)
                .field("is_default", .bool, .required)
                .field("is_platform", .bool, .required)
                .field("owner_type", .string, .required)
                .field("owner_member_id", .uuid, .references("members", "id"))
                .field("created_by", .string)
                .field("updated_by", .string)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            try await database.createIndex(AccountIndex.name, on: "whatsapp_accounts", ["workspace_id", "name_key"], unique: true)
            try await database.createIndex(AccountIndex.phoneNumberID, on: "whatsapp_accounts", ["workspace_id", "phone_number_id"], unique: true)
            try await database.sql.raw("CREATE UNIQUE INDEX \(unsafeRaw: AccountIndex.oneDefault) ON whatsapp_accounts (workspace_id) WHERE is_default").run()
            try await database.sql.raw("CREATE UNIQUE INDEX \(unsafeRaw: AccountIndex.onePlatform) ON whatsapp_accounts (is_platform) WHERE is_platform").run()
            try await database.createIndex("ix_whatsapp_accounts_list_created", on: "whatsapp_accounts", ["workspace_id", "is_active", "created_at", "id"])
            try await database.createIndex("ix_whatsapp_accounts_list_name", on: "whatsapp_accounts", ["workspace_id", "is_active", "name_key", "id"])
            try await database.createIndex("ix_whatsapp_accounts_phone", on: "whatsapp_accounts", ["phone_number_id"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("whatsapp_accounts").delete()
        }
    }
}

/// Index names, which a violation is mapped back to the field it concerns.
enum AccountIndex {
    static let name = "uq_whatsapp_accounts_workspace_name"
    static let phoneNumberID = "uq_whatsapp_accounts_workspace_phone"
    static let oneDefault = "uq_whatsapp_accounts_one_default"
    static let onePlatform = "uq_whatsapp_accounts_one_platform"
}
