/// OpenAPI schemas of the accounts and settings API bodies.
enum AccountSchemas {
    static let provider = Schema.enumeration(AccountProvider.allCases.map(\.rawValue))
    /// Meta's ids, as `AccountRules.isGraphID` takes them.
    static let graphID = Schema.string(min: 3, max: 32, pattern: "^[0-9]{3,32}$")
    static let account = Schema.object([
        "id": .uuid, "name": .string(), "provider": provider, "phoneNumberId": .string(nullable: true),
        "businessAccountId": .string(nullable: true), "displayPhoneNumber": .string(nullable: true), "webhookUrl": .string(nullable: true),
        "verifyToken": .string(), "messagesPerSecond": .integer(min: 1, max: 1000), "status": .enumeration(AccountStatus.allCases.map(\.rawValue)), "isActive": .boolean,
        "isDefault": .boolean, "isPlatform": .boolean, "ownerType": .enumeration(AccountOwnerType.allCases.map(\.rawValue)),
        "ownerMemberId": Schema(type: ["string", "null"], format: "uuid"), "accessTokenLast4": .string(nullable: true),
        "hasAppSecret": .boolean, "evolutionApiUrl": .string(nullable: true), "evolutionInstanceName": .string(nullable: true),
        "evolutionApiKeyLast4": .string(nullable: true), "createdBy": .string(nullable: true), "updatedBy": .string(nullable: true),
        "createdAt": .dateTime, "updatedAt": .dateTime,
    ], required: ["id", "name", "provider", "verifyToken", "messagesPerSecond", "status", "isActive", "isDefault", "isPlatform", "ownerType",
                  "hasAppSecret", "createdAt", "updatedAt"])

    static let step = Schema.object([
        "step": .enumeration(["conversation", "explicit", "agent", "platform", "default", "fallback"]),
        "outcome": .enumeration(["taken", "not_applicable", "unusable", "missing"]), "reason": .string(),
    ], required: ["step", "outcome", "reason"])

    static let all: [String: Schema] = [
        "Account": account,
        "AccountPage": .object(["items": .array(account), "nextCursor": .string(nullable: true), "hasMore": .boolean], required: ["items", "hasMore"]),
        "CreateAccount": .object([
            "name": .string(min: 2, max: 120), "provider": provider, "phoneNumberId": graphID,
            "businessAccountId": graphID, "displayPhoneNumber": .string(max: 32),
            "accessToken": .string(min: 10, max: 4096), "appSecret": .string(min: 8, max: 512), "webhookUrl": .string(max: 2048),
            "evolutionApiUrl": .string(max: 2048), "evolutionApiKey": .string(min: 8), "evolutionInstanceName": .string(max: 120),
            "ownerMemberId": .uuid, "isDefault": .boolean, "messagesPerSecond": .integer(min: 1, max: 1000),
        ], required: ["name"]),
        "UpdateAccount": .object([
            "name": .string(min: 2, max: 120), "accessToken": .string(max: 4096), "appSecret": .string(max: 512),
            "webhookUrl": .string(max: 2048), "displayPhoneNumber": .string(max: 32), "isDefault": .boolean, "isActive": .boolean,
            "messagesPerSecond": .integer(min: 1, max: 1000),
        ], required: []),
        "Decision": .object([
            "account": Schema(type: ["object", "null"], properties: [
                "id": .uuid, "name": .string(), "provider": provider, "phoneNumberId": .string(nullable: true),
                "displayPhoneNumber": .string(nullable: true), "isPlatform": .boolean,
            ], required: ["id", "name", "provider", "isPlatform"]),
            "step": Schema(type: ["string", "null"], enumValues: ["conversation", "explicit", "agent", "platform", "default", "fallback"]),
            "steps": .array(step),
        ], required: ["steps"]),
        "WhatsAppSettings": .object([
            "usePlatformAccount": .boolean,
            "platformAccount": Schema(type: ["object", "null"], properties: ["name": .string(), "displayPhoneNumber": .string(nullable: true)], required: ["name"]),
            "alertRecipients": .array(.string()), "notificationToggles": Schema(type: ["object"], description: "event kind -> on/off"),
            "signature": .string(nullable: true), "notificationsEnabled": .boolean, "updatedBy": .string(nullable: true),
            "updatedAt": .nullableDateTime,
        ], required: ["usePlatformAccount", "alertRecipients", "notificationToggles", "notificationsEnabled"]),
        "UpdateWhatsAppSettings": .object([
            "usePlatformAccount": .boolean, "alertRecipients": .array(.string(max: 32)),
            "notificationToggles": Schema(type: ["object"], description: "event kind -> on/off: \(NotificationKind.allCases.map(\.rawValue).joined(separator: ", "))"),
            "signature": .string(max: 200), "notificationsEnabled": .boolean,
        ], required: ["usePlatformAccount", "notificationsEnabled"]),
    ]
}
