/// `value` of a `user_preferences` change: users stopping or resuming marketing messages.
public struct UserPreferencesValue: Hashable, Sendable, Decodable {
    public var metadata: Metadata
    public var contacts: [WebhookContact]
    public var userPreferences: [Preference]

    public struct Preference: Hashable, Sendable, Decodable {
        public var waID: String?
        public var userID: String?
        /// `marketing_messages`.
        public var category: String?
        /// `stop`, `resume`, `signup`, …
        public var value: String?
        public var detail: String?
        public var timestamp: String?

        private enum CodingKeys: String, CodingKey {
            case waID = "wa_id", userID = "user_id", category, value, detail, timestamp
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            waID = try container.decodeIfPresent(String.self, forKey: .waID)
            userID = try container.decodeIfPresent(String.self, forKey: .userID)
            category = try container.decodeIfPresent(String.self, forKey: .category)
            value = try container.decodeIfPresent(String.self, forKey: .value)
            detail = try container.decodeIfPresent(String.self, forKey: .detail)
            timestamp = try container.decodeLenientString(forKey: .timestamp)
        }
    }

    private enum CodingKeys: String, CodingKey { case metadata, contacts, userPreferences = "user_preferences" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(Metadata.self, forKey: .metadata)
        contacts = try container.decodeIfPresent([WebhookContact].self, forKey: .contacts) ?? []
        userPreferences = try container.decodeIfPresent([Preference].self, forKey: .userPreferences) ?? []
    }
}
