/// OpenAPI schemas of the tenancy API bodies.
enum TenancySchemas {
    static let member = Schema.object([
        "id": .uuid, "email": .string(format: "email"), "name": .string(), "role": .role, "joinedAt": .dateTime,
    ], required: ["id", "email", "name", "role", "joinedAt"])

    static let apiKey = Schema.object([
        "id": .uuid, "name": .string(), "role": .role, "prefix": .string(), "createdAt": .dateTime,
        "lastUsedAt": .nullableDateTime, "revokedAt": .nullableDateTime,
    ], required: ["id", "name", "role", "prefix", "createdAt"])

    static let auditEvent = Schema.object([
        "id": .uuid, "action": .string(), "actorType": .enumeration(["member", "api_key", "system"]),
        "actorId": .string(nullable: true), "actorLabel": .string(), "targetType": .string(), "targetId": .string(nullable: true),
        "before": .string(nullable: true), "after": .string(nullable: true), "requestId": .string(nullable: true),
        "createdAt": .dateTime,
    ], required: ["id", "action", "actorType", "actorLabel", "targetType", "createdAt"])

    static let all: [String: Schema] = [
        "Workspace": .object([
            "id": .uuid, "name": .string(), "slug": .string(), "createdAt": .dateTime, "role": .enumeration(Role.allCases.map(\.rawValue), nullable: true),
        ], required: ["id", "name", "slug", "createdAt"]),
        "Member": member,
        "MemberList": .object(["items": .array(member)], required: ["items"]),
        "AddMember": .object([
            "email": .string(format: "email", max: 254), "name": .string(max: 120), "role": .role,
            "password": .string(min: PasswordPolicy.minimumLength, max: PasswordPolicy.maximumLength),
        ], required: ["email", "role"]),
        "ChangeRole": .object(["role": .role], required: ["role"]),
        "APIKey": apiKey,
        "APIKeyList": .object(["items": .array(apiKey)], required: ["items"]),
        "CreateAPIKey": .object(["name": .string(min: 1, max: 120), "role": .role], required: ["name", "role"]),
        "CreatedAPIKey": .object(["apiKey": apiKey, "key": .string()], required: ["apiKey", "key"]),
        "AuditEvent": auditEvent,
        "AuditEventPage": .object([
            "items": .array(auditEvent), "nextCursor": .string(nullable: true), "hasMore": .boolean,
        ], required: ["items", "hasMore"]),
    ]
}
