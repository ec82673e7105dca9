/// The `reaction` object: an emoji put on (or, when empty, taken off) an earlier message.
public struct Reaction: Hashable, Sendable, Codable {
    public var messageID: String
    /// An empty string removes the reaction. Inbound "unreactions" may omit the key; that decodes as "".
    public var emoji: String

    public init(messageID: String, emoji: String) {
        self.messageID = messageID
        self.emoji = emoji
    }

    public var isRemoval: Bool { emoji.isEmpty }

    enum CodingKeys: String, CodingKey { case messageID = "message_id", emoji }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messageID = try container.decode(String.self, forKey: .messageID)
        emoji = try container.decodeIfPresent(String.self, forKey: .emoji) ?? ""
    }
}
