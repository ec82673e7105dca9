import Foundation
import Vapor

/// What the API says about an account. Never a secret: at most the last 4 characters of one.
public struct AccountDTO: Content, Equatable {
    public var id: UUID
    public var name: String
    public var provider: AccountProvider
    public var phoneNumberId: String?
    public var businessAccountId: String?
    public var displayPhoneNumber: String?
    public var webhookUrl: String?
    /// The token to paste into Meta's webhook settings; it proves a verification request comes from the owner.
    public var verifyToken: String
    /// The send rate the dispatchers keep for this number.
    public var messagesPerSecond: Int
    public var status: AccountStatus
    public var isActive: Bool
    public var isDefault: Bool
    public var isPlatform: Bool
    public var ownerType: AccountOwnerType
    public var ownerMemberId: UUID?
    public var accessTokenLast4: String?
    public var hasAppSecret: Bool
    public var evolutionApiUrl: String?
    public var evolutionInstanceName: String?
    public var evolutionApiKeyLast4: String?
    public var createdBy: String?
    public var updatedBy: String?
    public var createdAt: Date
    public var updatedAt: Date

    init(_ row: AccountRow) {
        id = row.id
        name = row.name
        provider = row.provider
        phoneNumberId = row.phoneNumberID
        businessAccountId = row.businessAccountID
        displayPhoneNumber = row.displayPhoneNumber
        webhookUrl = row.webhookURL
        verifyToken = row.verifyToken
        messagesPerSecond = row.messagesPerSecond
        status = row.status
        isActive = row.isActive
        isDefault = row.isDefault
        isPlatform = row.isPlatform
        ownerType = row.ownerType
        ownerMemberId = row.ownerMemberID
        accessTokenLast4 = row.accessTokenLast4.flatMap { $0.isEmpty ? nil : $0 }
        hasAppSecret = row.appSecretSecretID != nil
        evolutionApiUrl = row.evolutionAPIURL
        evolutionInstanceName = row.evolutionInstanceName
        evolutionApiKeyLast4 = row.evolutionAPIKeyLast4.flatMap { $0.isEmpty ? nil : $0 }
        createdBy = row.createdBy
        updatedBy = row.updatedBy
        createdAt = row.createdAt
        updatedAt = row.updatedAt
    }
}

public struct CreateAccountInput: APIInput, Encodable {
    public static let fields: Set<String> = [
        "name", "provider", "phoneNumberId", "businessAccountId", "displayPhoneNumber", "accessToken", "appSecret",
        "webhookUrl", "evolutionApiUrl", "evolutionApiKey", "evolutionInstanceName", "ownerMemberId", "isDefault", "messagesPerSecond",
    ]
    public var name: String
    public var provider: AccountProvider?
    public var phoneNumberId: String?
    public var businessAccountId: String?
    public var displayPhoneNumber: String?
    public var accessToken: String?
    public var appSecret: String?
    public var webhookUrl: String?
    public var evolutionApiUrl: String?
    public var evolutionApiKey: String?
    public var evolutionInstanceName: String?
    public var ownerMemberId: UUID?
    public var isDefault: Bool?
    public var messagesPerSecond: Int?

    public init(name: String, provider: AccountProvider? = nil, phoneNumberId: String? = nil, businessAccountId: String? = nil,
                displayPhoneNumber: String? = nil, accessToken: String? = nil, appSecret: String? = nil, webhookUrl: String? = nil,
                evolutionApiUrl: String? = nil, evolutionApiKey: String? = nil, evolutionInstanceName: String? = nil,
                ownerMemberId: UUID? = nil, isDefault: Bool? = nil, messagesPerSecond: Int? = nil) {
        self.name = name
        self.provider = provider
        self.phoneNumberId = phoneNumberId
        self.businessAccountId = businessAccountId
        self.displayPhoneNumber = displayPhoneNumber
        self.accessToken = accessToken
        self.appSecret = appSecret
        self.webhookUrl = webhookUrl
        self.evolutionApiUrl = evolutionApiUrl
        self.evolutionApiKey = evolutionApiKey
        self.evolutionInstanceName = evolutionInstanceName
        self.ownerMemberId = ownerMemberId
        self.isDefault = isDefault
        self.messagesPerSecond = messagesPerSecond
    }
}

/// A partial update: a field that is absent stays as it is. An empty `accessToken` or `appSecret` also keeps
/// the stored one (the dashboard's blank password field); an empty `webhookUrl` clears it.
public struct UpdateAccountInput: APIInput, Encodable {
    public static let fields: Set<String> = ["name", "accessToken", "appSecret", "webhookUrl", "displayPhoneNumber", "isDefault", "isActive",
                                             "messagesPerSecond"]
    public var name: String?
    public var accessToken: String?
    public var appSecret: String?
    public var webhookUrl: String?
    public var displayPhoneNumber: String?
    public var isDefault: Bool?
    public var isActive: Bool?
    public var messagesPerSecond: Int?

    public init(name: String? = nil, accessToken: String? = nil, appSecret: String? = nil, webhookUrl: String? = nil,
                displayPhoneNumber: String? = nil, isDefault: Bool? = nil, isActive: Bool? = nil, messagesPerSecond: Int? = nil) {
        self.name = name
        self.accessToken = accessToken
        self.appSecret = appSecret
        self.webhookUrl = webhookUrl
        self.displayPhoneNumber = displayPhoneNumber
        self.isDefault = isDefault
        self.isActive = isActive
        self.messagesPerSecond = messagesPerSecond
    }
}
