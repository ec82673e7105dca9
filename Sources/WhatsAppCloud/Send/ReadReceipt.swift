/// The body of `POST /{phone-number-id}/messages` that marks an inbound message as read, optionally showing
/// a typing indicator to the user: `{"messaging_product","status":"read","message_id","typing_indicator"}`.
public struct ReadReceipt: Hashable, Sendable, Codable {
    public var messageID: String
    /// Sends `typing_indicator: {"type":"text"}`, the only kind Meta has.
    public var showsTypingIndicator: Bool

    public init(messageID: String, showsTypingIndicator: Bool = false) {
        self.messageID = messageID
        self.showsTypingIndicator = showsTypingIndicator
    }

    private enum CodingKeys: String, CodingKey {
        case messagingProduct = "messaging_product", status, messageID = "message_id"
        case typingIndicator = "typing_indicator"
    }

    private struct TypingIndicator: Codable { var type = "text" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let status = try container.decode(String.self, forKey: .status)
        guard status == "read" else {
            throw DecodingError.dataCorruptedError(
                forKey: .status, in: container, debugDescription: "only status \"read\" can be set, not \(status)")
        }
        messageID = try container.decode(String.self, forKey: .messageID)
        showsTypingIndicator = try container.decodeIfPresent(TypingIndicator.self, forKey: .typingIndicator) != nil
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("whatsapp", forKey: .messagingProduct)
        try container.encode("read", forKey: .status)
        try container.encode(messageID, forKey: .messageID)
        if showsTypingIndicator { try container.encode(TypingIndicator(), forKey: .typingIndicator) }
    }
}

/// Anything that can be posted to `/{phone-number-id}/messages`: a message or a read receipt (told apart by
/// the `status` key). This is what a gateway accepting Meta-shaped requests decodes.
public enum MessagesRequest: Hashable, Sendable, Codable {
    case message(OutgoingMessage)
    case readReceipt(ReadReceipt)

    private enum CodingKeys: String, CodingKey { case status }

    public init(from decoder: any Decoder) throws {
        if try decoder.container(keyedBy: CodingKeys.self).contains(.status) {
            self = .readReceipt(try ReadReceipt(from: decoder))
        } else {
            self = .message(try OutgoingMessage(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .message(let message): try message.encode(to: encoder)
        case .readReceipt(let receipt): try receipt.encode(to: encoder)
        }
    }
}
