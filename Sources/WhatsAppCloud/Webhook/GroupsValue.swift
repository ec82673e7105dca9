/// `value` of the group fields (`group_lifecycle_update`, `group_participants_update`,
/// `group_settings_update`); which one is in `Change.field`.
public struct GroupsValue: Hashable, Sendable, Decodable {
    public var metadata: Metadata
    public var groups: [GroupEvent]

    /// One group event. `raw` keeps the participants and settings, whose shapes vary by event.
    public struct GroupEvent: Hashable, Sendable, Decodable {
        public var groupID: String
        /// For example `group_create`, `group_settings_update`.
        public var type: String?
        public var requestID: String?
        public var timestamp: String?
        public var raw: JSONValue

        private enum CodingKeys: String, CodingKey { case groupID = "group_id", type, requestID = "request_id", timestamp }

        public init(from decoder: any Decoder) throws {
            raw = try JSONValue(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            groupID = try container.decode(String.self, forKey: .groupID)
            type = try container.decodeIfPresent(String.self, forKey: .type)
            requestID = try container.decodeIfPresent(String.self, forKey: .requestID)
            timestamp = try container.decodeLenientString(forKey: .timestamp)
        }
    }
}
