import Fluent
import Foundation

/// One WhatsApp sending identity (a phone number) and how to reach it. Secrets live in `secrets`, by id.
public final class WhatsAppAccount: Model, @unchecked Sendable {
    public static let schema = "whatsapp_accounts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "workspace_id") public var workspaceID: UUID
    @Field(key: "name") public var name: String
    /// Lower-cased name: uniqueness and sorting ignore case.
    @Field(key: "name_key") public var nameKey: String
    @Field(key: "provider") public var provider: AccountProvider
    @OptionalField(key: "phone_number_id") public var phoneNumberID: String?
    @OptionalField(key: "business_account_id") public var businessAccountID: String?
    @OptionalField(key: "display_phone_number") public var displayPhoneNumber: String?
    /// Lower-cased name and phone fields, for case-insensitive search.
    @Field(key: "search_text") public var searchText: String
    @OptionalField(key: "access_token_secret_id") public var accessTokenSecretID: UUID?
    @OptionalField(key: "app_secret_secret_id") public var appSecretSecretID: UUID?
    @Field(key: "verify_token") public var verifyToken: String
    @OptionalField(key: "evolution_api_url") public var evolutionAPIURL: String?
    @OptionalField(key: "evolution_api_key_secret_id") public var evolutionAPIKeySecretID: UUID?
    @OptionalField(key: "evolution_instance_name") public var evolutionInstanceName: String?
    @OptionalField(key: "webhook_url") public var webhookURL: String?
    /// The send rate dispatchers keep for this number (Meta: 80 by default, up to 1,000 after an upgrade).
    @Field(key: "messages_per_second") public var messagesPerSecond: Int
    @Field(key: "status") public var status: AccountStatus
    @Field(key: "is_active") public var isActive: Bool
    @Field(key: "is_default") public var isDefault: Bool
    @Field(key: "is_platform") public var isPlatform: Bool
    @Field(key: "owner_type") public var ownerType: AccountOwnerType
    @OptionalField(key: "owner_member_id") public var ownerMemberID: UUID?
    @OptionalField(key: "created_by") public var createdBy: String?
    @OptionalField(key: "updated_by") public var updatedBy: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public func refreshDerivedFields() {
        nameKey = name.lowercased()
        searchText = [name, phoneNumberID, displayPhoneNumber, businessAccountID].compactMap { $0?.lowercased() }.joined(separator: " ")
    }
}

public enum AccountProvider: String, Codable, CaseIterable, Sendable {
    case cloudAPI = "cloud_api", evolution, desktop, sandbox
}

public enum AccountStatus: String, Codable, CaseIterable, Sendable {
    case pendingVerification = "pending_verification", active, reauthRequired = "reauth_required", disconnected
}

public enum AccountOwnerType: String, Codable, CaseIterable, Sendable {
    case workspace, member, platform
}
