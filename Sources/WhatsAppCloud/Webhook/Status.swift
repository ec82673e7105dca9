/// One entry of `value.statuses[]`: what happened to a message the business sent. Statuses may arrive out
/// of order or twice; deduplicate on (`id`, `status`). Encoding writes back `raw`.
public struct Status: Hashable, Sendable, Codable {
    /// The `wamid` returned when the message was sent.
    public var id: String
    public var status: Value
    /// Unix seconds, as Meta sends it (a string).
    public var timestamp: String
    /// The phone number or group id; absent when the message was sent to a business-scoped user id.
    public var recipientID: String?
    public var recipientUserID: String?
    public var parentRecipientUserID: String?
    /// `individual` or `group`.
    public var recipientType: String?
    /// Groups: which participant this status is about.
    public var recipientParticipantID: String?
    /// Echo of the tracker sent with the message.
    public var bizOpaqueCallbackData: String?
    public var conversation: Conversation?
    public var pricing: Pricing?
    /// Why a `failed` message failed.
    public var errors: [WebhookError]
    public var raw: JSONValue

    /// `status`. Unknown values (Meta adds them; `deleted` existed on-premises) never fail decoding.
    public enum Value: Hashable, Sendable, Codable, CustomStringConvertible {
        case sent
        case delivered
        case read
        /// A voice message was played.
        case played
        case failed
        case unknown(String)

        public init(rawValue: String) {
            switch rawValue {
            case "sent": self = .sent
            case "delivered": self = .delivered
            case "read": self = .read
            case "played": self = .played
            case "failed": self = .failed
            default: self = .unknown(rawValue)
            }
        }

        public var rawValue: String {
            switch self {
            case .sent: "sent"
            case .delivered: "delivered"
            case .read: "read"
            case .played: "played"
            case .failed: "failed"
            case .unknown(let value): value
            }
        }

        public var description: String { rawValue }

        public init(from decoder: any Decoder) throws { self.init(rawValue: try String(from: decoder)) }
        public func encode(to encoder: any Encoder) throws { try rawValue.encode(to: encoder) }
    }

    /// The conversation (billing window) the message belongs to; from conversation-based pricing.
    public struct Conversation: Hashable, Sendable, Decodable {
        public var id: String?
        /// Only on the first `sent` of a conversation.
        public var expirationTimestamp: String?
        /// `origin.type`: marketing, utility, authentication, service, …
        public var originType: String?

        private enum CodingKeys: String, CodingKey { case id, expirationTimestamp = "expiration_timestamp", origin }
        private struct Origin: Decodable { var type: String? }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeIfPresent(String.self, forKey: .id)
            expirationTimestamp = try container.decodeLenientString(forKey: .expirationTimestamp)
            originType = try container.decodeIfPresent(Origin.self, forKey: .origin)?.type
        }
    }

    public struct Pricing: Hashable, Sendable, Decodable {
        /// Deprecated by Meta, still sent.
        public var billable: Bool?
        /// `CBP` (conversation-based) or `PMP` (per-message).
        public var pricingModel: String?
        /// `regular`, `free_customer_service` or `free_entry_point`.
        public var type: String?
        public var category: String?

        enum CodingKeys: String, CodingKey { case billable, pricingModel = "pricing_model", type, category }
    }

    private enum CodingKeys: String, CodingKey {
        case id, status, timestamp, recipientID = "recipient_id", recipientUserID = "recipient_user_id"
        case parentRecipientUserID = "parent_recipient_user_id", recipientType = "recipient_type"
        case recipientParticipantID = "recipient_participant_id", bizOpaqueCallbackData = "biz_opaque_callback_data"
        case conversation, pricing, errors
    }

    public init(from decoder: any Decoder) throws {
        raw = try JSONValue(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        status = try container.decode(Value.self, forKey: .status)
        timestamp = try container.decodeLenientString(.timestamp)
        recipientID = try container.decodeIfPresent(String.self, forKey: .recipientID)
        recipientUserID = try container.decodeIfPresent(String.self, forKey: .recipientUserID)
        parentRecipientUserID = try container.decodeIfPresent(String.self, forKey: .parentRecipientUserID)
        recipientType = try container.decodeIfPresent(String.self, forKey: .recipientType)
        recipientParticipantID = try container.decodeIfPresent(String.self, forKey: .recipientParticipantID)
        bizOpaqueCallbackData = try container.decodeIfPresent(String.self, forKey: .bizOpaqueCallbackData)
        conversation = try? container.decodeIfPresent(Conversation.self, forKey: .conversation)
        pricing = try? container.decodeIfPresent(Pricing.self, forKey: .pricing)
        errors = (try? container.decodeIfPresent([WebhookError].self, forKey: .errors)) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        try raw.encode(to: encoder)
    }
}
