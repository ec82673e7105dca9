/// OpenAPI schemas of the conversations API bodies.
enum MessagingSchemas {
    static let contact = Schema.object([
        "id": .uuid, "waId": .string(nullable: true), "userId": .string(nullable: true), "profileName": .string(nullable: true),
    ], required: ["id"])
    static let conversation = Schema.object([
        "id": .uuid, "accountId": .uuid, "contact": contact, "status": .enumeration(ConversationStatus.allCases.map(\.rawValue)),
        "unreadCount": .integer(min: 0), "lastMessageAt": .dateTime, "windowExpiresAt": .nullableDateTime, "windowOpen": .boolean,
        "createdAt": .dateTime, "updatedAt": .dateTime,
    ], required: ["id", "accountId", "contact", "status", "unreadCount", "lastMessageAt", "windowOpen", "createdAt", "updatedAt"])
    static let message = Schema.object([
        "id": .uuid, "conversationId": .uuid, "direction": .enumeration(MessageDirection.allCases.map(\.rawValue)),
        "wamid": .string(nullable: true), "type": .string(), "content": .string(),
        "status": .enumeration(MessageStatus.allCases.map(\.rawValue)), "errorCode": Schema(type: ["integer", "null"]),
        "errorTitle": .string(nullable: true), "errorDetail": .string(nullable: true), "replyToWamid": .string(nullable: true),
        "createdAt": .dateTime, "statusAt": .dateTime,
    ], required: ["id", "conversationId", "direction", "type", "content", "status", "createdAt", "statusAt"])

    static let all: [String: Schema] = [
        "Conversation": conversation,
        "ConversationPage": .object(["items": .array(conversation), "nextCursor": .string(nullable: true), "hasMore": .boolean],
                                    required: ["items", "hasMore"]),
        "Message": message,
        "MessagePage": .object(["items": .array(message), "nextCursor": .string(nullable: true), "hasMore": .boolean],
                               required: ["items", "hasMore"]),
    ]
}
