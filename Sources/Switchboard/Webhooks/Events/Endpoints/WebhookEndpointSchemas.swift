/// OpenAPI schemas of the webhook endpoints API bodies.
enum WebhookEndpointSchemas {
    static let kinds = Schema(type: ["array"], items: [.enumeration(EventKind.allCases.map(\.rawValue) + [WebhookEndpointRules.wildcard])],
                              minItems: 1, description: "Event kinds wanted, or [\"*\"] for every kind")
    /// An absolute http or https URL (`WebhookEndpointRules.checkURL`).
    static let url = Schema.string(min: 1, max: 2048, pattern: "^[hH][tT][tT][pP][sS]?://[^/?#\\s]+([/?#][^\\s]*)?$")
    static let endpoint = Schema.object([
        "id": .uuid, "url": .string(), "eventKinds": kinds, "isActive": .boolean, "secretLast4": .string(),
        "createdBy": .string(nullable: true), "updatedBy": .string(nullable: true), "createdAt": .dateTime, "updatedAt": .dateTime,
    ], required: ["id", "url", "eventKinds", "isActive", "secretLast4", "createdAt", "updatedAt"])
    static let attempt = Schema.object([
        "attemptedAt": .dateTime, "statusCode": Schema(type: ["integer", "null"]), "error": .string(nullable: true),
        "durationMs": .integer(min: 0),
    ], required: ["attemptedAt", "durationMs"])
    static let delivery = Schema.object([
        "id": .uuid, "endpointId": .uuid, "eventId": .uuid, "eventType": .string(),
        "state": .enumeration(EventDeliveryState.allCases.map(\.rawValue)), "attemptCount": .integer(min: 0),
        "lastStatusCode": Schema(type: ["integer", "null"]), "lastError": .string(nullable: true),
        "nextAttemptAt": .nullableDateTime, "deliveredAt": .nullableDateTime, "createdAt": .dateTime, "updatedAt": .dateTime,
        "attempts": .array(attempt),
    ], required: ["id", "endpointId", "eventId", "eventType", "state", "attemptCount", "createdAt", "updatedAt", "attempts"])

    static func page(_ item: Schema) -> Schema {
        .object(["items": .array(item), "nextCursor": .string(nullable: true), "hasMore": .boolean], required: ["items", "hasMore"])
    }

    static let all: [String: Schema] = [
        "WebhookEndpoint": endpoint,
        "WebhookEndpointPage": page(endpoint),
        "WebhookEndpointWithSecret": .object(["endpoint": endpoint, "secret": .string()], required: ["endpoint", "secret"]),
        "CreateWebhookEndpoint": .object([
            "url": url, "eventKinds": kinds,
            "secret": .string(min: 16, max: 256),
        ], required: ["url", "eventKinds"]),
        "UpdateWebhookEndpoint": .object(["url": url, "eventKinds": kinds, "isActive": .boolean], required: []),
        "EventDelivery": delivery,
        "EventDeliveryPage": page(delivery),
    ]
}
