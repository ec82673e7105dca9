import Fluent
import Foundation
import SQLKit

/// An account as the API shows it, read in one SQL query with the last characters of its secrets.
/// Lists are a hot path: decoding plain rows is several times cheaper than hydrating Fluent models.
struct AccountRow: Decodable, Sendable {
    var id: UUID
    var workspaceID: UUID
    var name: String
    var nameKey: String
    var provider: AccountProvider
    var phoneNumberID: String?
    var businessAccountID: String?
    var displayPhoneNumber: String?
    var webhookURL: String?
    var verifyToken: String
    var messagesPerSecond: Int
    var status: AccountStatus
    var isActive: Bool
    var isDefault: Bool
    var isPlatform: Bool
    var ownerType: AccountOwnerType
    var ownerMemberID: UUID?
    var appSecretSecretID: UUID?
    var evolutionAPIURL: String?
    var evolutionInstanceName: String?
    var accessTokenLast4: String?
    var evolutionAPIKeyLast4: String?
    var createdBy: String?
    var updatedBy: String?
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, provider, status
        case workspaceID = "workspace_id", nameKey = "name_key", phoneNumberID = "phone_number_id"
        case businessAccountID = "business_account_id", displayPhoneNumber = "display_phone_number", webhookURL = "webhook_url"
        case verifyToken = "verify_token", messagesPerSecond = "messages_per_second", isActive = "is_active", isDefault = "is_default", isPlatform = "is_platform"
        case ownerType = "owner_type", ownerMemberID = "owner_member_id", appSecretSecretID = "app_secret_secret_id"
        case evolutionAPIURL = "evolution_api_url", evolutionInstanceName = "evolution_instance_name"
        case accessTokenLast4 = "access_token_last4", evolutionAPIKeyLast4 = "evolution_api_key_last4"
        case createdBy = "created_by", updatedBy = "updated_by", createdAt = "created_at", updatedAt = "updated_at"
    }

    static let columns = [
        "id", "workspace_id", "name", "name_key", "provider", "phone_number_id", "business_account_id", "display_phone_number",
        "webhook_url", "verify_token", "messages_per_second", "status", "is_active", "is_default", "is_platform", "owner_type", "owner_member_id",
        "app_secret_secret_id", "evolution_api_url", "evolution_instance_name", "created_by", "updated_by", "created_at", "updated_at",
    ]

    /// `SELECT a.<columns>, t.last4, e.last4 FROM whatsapp_accounts a LEFT JOIN secrets ...`
    static func select(on db: Database) -> SQLSelectBuilder {
        db.sql.select()
            .columns(columns.map { SQLColumn($0, table: "a") })
            .column(SQLColumn("last4", table: "t"), as: "access_token_last4")
            .column(SQLColumn("last4", table: "e"), as: "evolution_api_key_last4")
            .from(SQLAlias(SQLIdentifier("whatsapp_accounts"), as: SQLIdentifier("a")))
            .join(SQLAlias(SQLIdentifier("secrets"), as: SQLIdentifier("t")), method: SQLJoinMethod.left,
                  on: SQLColumn("id", table: "t"), .equal, SQLColumn("access_token_secret_id", table: "a"))
            .join(SQLAlias(SQLIdentifier("secrets"), as: SQLIdentifier("e")), method: SQLJoinMethod.left,
                  on: SQLColumn("id", table: "e"), .equal, SQLColumn("evolution_api_key_secret_id", table: "a"))
    }

    /// One account of one workspace.
    static func one(_ id: UUID, workspaceID: UUID, on db: Database) async throws -> AccountRow? {
        try await select(on: db).where(SQLColumn("id", table: "a"), .equal, SQLBind(id))
            .where(SQLColumn("workspace_id", table: "a"), .equal, SQLBind(workspaceID))
            .first()?.decode(model: AccountRow.self)
    }
}
