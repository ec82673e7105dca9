/// `value` of a `calls` change: call events (`calls[]`) and call statuses (`statuses[]`, e.g. RINGING).
public struct CallsValue: Hashable, Sendable, Decodable {
    public var metadata: Metadata
    public var contacts: [WebhookContact]
    public var calls: [Call]
    public var statuses: [Status]
    public var errors: [WebhookError]

    /// One call event. `raw` keeps the SDP session and anything else not modelled.
    public struct Call: Hashable, Sendable, Decodable {
        /// `wacid.…`
        public var id: String
        public var from: String?
        public var to: String?
        /// `connect`, `terminate`, …
        public var event: String?
        /// `BUSINESS_INITIATED` or `USER_INITIATED`.
        public var direction: String?
        public var status: String?
        public var timestamp: String?
        public var raw: JSONValue

        private enum CodingKeys: String, CodingKey { case id, from, to, event, direction, status, timestamp }

        public init(from decoder: any Decoder) throws {
            raw = try JSONValue(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            from = try container.decodeIfPresent(String.self, forKey: .from)
            to = try container.decodeIfPresent(String.self, forKey: .to)
            event = try container.decodeIfPresent(String.self, forKey: .event)
            direction = try container.decodeIfPresent(String.self, forKey: .direction)
            status = try container.decodeIfPresent(String.self, forKey: .status)
            timestamp = try container.decodeLenientString(forKey: .timestamp)
        }
    }

    private enum CodingKeys: String, CodingKey { case metadata, contacts, calls, statuses, errors }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(Metadata.self, forKey: .metadata)
        contacts = try container.decodeIfPresent([WebhookContact].self, forKey: .contacts) ?? []
        calls = try container.decodeIfPresent([Call].self, forKey: .calls) ?? []
        statuses = try container.decodeIfPresent([Status].self, forKey: .statuses) ?? []
        errors = try container.decodeIfPresent([WebhookError].self, forKey: .errors) ?? []
    }
}
