/// `phone_number_quality_update`: a number's quality or messaging limit changed.
public struct PhoneNumberQualityUpdate: Hashable, Sendable, Decodable {
    public var displayPhoneNumber: String?
    /// `FLAGGED`, `UNFLAGGED`, `DOWNGRADE`, `UPGRADE`, `THROUGHPUT_UPGRADE`, …
    public var event: String
    /// `TIER_*`; Meta is replacing it with `maxDailyConversationsPerBusiness`.
    public var currentLimit: String?
    public var oldLimit: String?
    public var maxDailyConversationsPerBusiness: String?

    private enum CodingKeys: String, CodingKey {
        case displayPhoneNumber = "display_phone_number", event, currentLimit = "current_limit"
        case oldLimit = "old_limit", maxDailyConversationsPerBusiness = "max_daily_conversations_per_business"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        displayPhoneNumber = try container.decodeIfPresent(String.self, forKey: .displayPhoneNumber)
        event = try container.decode(String.self, forKey: .event)
        currentLimit = try container.decodeIfPresent(String.self, forKey: .currentLimit)
        oldLimit = try container.decodeIfPresent(String.self, forKey: .oldLimit)
        maxDailyConversationsPerBusiness = try container.decodeLenientString(forKey: .maxDailyConversationsPerBusiness)
    }
}
