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
        "id": .uuid, "conversationId": .uuid, "accountId": .uuid, "direction": .enumeration(MessageDirection.allCases.map(\.rawValue)),
        "wamid": .string(nullable: true), "type": .string(), "content": .string(),
        "status": .enumeration(MessageStatus.allCases.map(\.rawValue)), "errorCode": Schema(type: ["integer", "null"]),
        "errorTitle": .string(nullable: true), "errorDetail": .string(nullable: true), "replyToWamid": .string(nullable: true),
        "createdAt": .dateTime, "statusAt": .dateTime,
    ], required: ["id", "conversationId", "accountId", "direction", "type", "content", "status", "createdAt", "statusAt"])

    /// A Cloud API content object (text, image, template, ...): its shape is Meta's, checked when sent.
    static let content = Schema(type: ["object"], description: "The Cloud API object of this type, as Meta documents it")
    static let sendMessage = Schema.object([
        "to": .string(min: 8, max: 16, pattern: "^[+]?[1-9][0-9]{7,14}$"), "recipient": .string(min: 1, max: 256),
        "type": .enumeration(["text", "image", "audio", "video", "document", "sticker", "location", "contacts", "reaction",
                              "interactive", "template"]),
        "text": content, "image": content, "audio": content, "video": content, "document": content, "sticker": content,
        "location": content, "contacts": Schema(type: ["array"], items: [content]), "reaction": content, "interactive": content,
        "template": content, "replyTo": .uuid, "accountId": .uuid, "agentId": .uuid,
        "messaging_product": .enumeration(["whatsapp"]), "recipient_type": .enumeration(["individual"]),
    ], required: ["type"])
    static let resolutionStep = Schema.object([
        "step": .string(), "outcome": .string(), "reason": .string(),
    ], required: ["step", "outcome", "reason"])
    static let messageDetail = Schema.object([
        "id": .uuid, "conversationId": .uuid, "accountId": .uuid, "contact": contact,
        "direction": .enumeration(MessageDirection.allCases.map(\.rawValue)),
        "wamid": .string(nullable: true), "type": .string(), "content": .string(),
        "status": .enumeration(MessageStatus.allCases.map(\.rawValue)), "errorCode": Schema(type: ["integer", "null"]),
        "errorTitle": .string(nullable: true), "errorDetail": .string(nullable: true), "replyToWamid": .string(nullable: true),
        "decision": Schema(type: ["object", "null"], properties: ["step": .string(nullable: true), "steps": .array(resolutionStep)]),
        "history": .array(.object(["status": .string(), "at": .dateTime, "errorCode": Schema(type: ["integer", "null"]),
                                   "detail": .string(nullable: true)], required: ["status", "at"])),
        "createdAt": .dateTime, "statusAt": .dateTime,
    ], required: ["id", "conversationId", "accountId", "contact", "direction", "type", "content", "status", "history", "createdAt", "statusAt"])

    static let all: [String: Schema] = [
        "SendMessage": sendMessage,
        "MessageDetail": messageDetail,
        "Conversation": conversation,
        "ConversationPage": .object(["items": .array(conversation), "nextCursor": .string(nullable: true), "hasMore": .boolean],
                                    required: ["items", "hasMore"]),
        "Message": message,
        "MessagePage": .object(["items": .array(message), "nextCursor": .string(nullable: true), "hasMore": .boolean],
                               required: ["items", "hasMore"]),
    ]
}
