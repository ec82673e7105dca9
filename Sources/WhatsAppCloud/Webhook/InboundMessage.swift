/// One entry of `value.messages[]` (or `value.message_echoes[]`). Encoding writes back `raw`, the message
/// exactly as received.
public struct InboundMessage: Hashable, Sendable, Codable {
    /// The `wamid.…` id; deduplicate on it.
    public var id: String
    /// The sender's phone number; absent for users known only by username.
    public var from: String?
    /// The sender's business-scoped user id (BSUID).
    public var fromUserID: String?
    public var fromParentUserID: String?
    /// Echoes only: the user the business wrote to.
    public var to: String?
    public var toUserID: String?
    /// Unix seconds, as Meta sends it (a string).
    public var timestamp: String
    /// The JSON `type`, also for types `content` doesn't model.
    public var type: String
    /// Set for messages in a group.
    public var groupID: String?
    public var context: MessageContext?
    /// Set when the user came from a Click-to-WhatsApp ad or post.
    public var referral: Referral?
    /// Why the message could not be processed (for example 131051 on `unsupported`).
    public var errors: [WebhookError]
    public var content: InboundContent
    public var raw: JSONValue

    private enum CodingKeys: String, CodingKey {
        case id, from, fromUserID = "from_user_id", fromParentUserID = "from_parent_user_id", to
        case toUserID = "to_user_id", timestamp, type, groupID = "group_id", context, referral, errors
    }

    public init(from decoder: any Decoder) throws {
        raw = try JSONValue(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        from = try container.decodeIfPresent(String.self, forKey: .from)
        fromUserID = try container.decodeIfPresent(String.self, forKey: .fromUserID)
        fromParentUserID = try container.decodeIfPresent(String.self, forKey: .fromParentUserID)
        to = try container.decodeIfPresent(String.self, forKey: .to)
        toUserID = try container.decodeIfPresent(String.self, forKey: .toUserID)
        timestamp = try container.decodeLenientString(.timestamp)
        type = try container.decode(String.self, forKey: .type)
        groupID = try container.decodeIfPresent(String.self, forKey: .groupID)
        context = try? container.decodeIfPresent(MessageContext.self, forKey: .context)
        referral = try? container.decodeIfPresent(Referral.self, forKey: .referral)
        errors = (try? container.decodeIfPresent([WebhookError].self, forKey: .errors)) ?? []
        content = InboundContent(from: decoder, raw: raw)
    }

    public func encode(to encoder: any Encoder) throws {
        try raw.encode(to: encoder)
    }
}

/// `messages[].context`: what the message replies to, whether it was forwarded, or which product it asks about.
public struct MessageContext: Hashable, Sendable, Codable {
    /// The sender of the message replied to (the business number for replies to the business).
    public var from: String?
    /// The id of the message replied to.
    public var id: String?
    public var forwarded: Bool?
    public var frequentlyForwarded: Bool?
    public var referredProduct: ReferredProduct?

    public struct ReferredProduct: Hashable, Sendable, Codable {
        public var catalogID: String
        public var productRetailerID: String

        enum CodingKeys: String, CodingKey { case catalogID = "catalog_id", productRetailerID = "product_retailer_id" }
    }

    enum CodingKeys: String, CodingKey {
        case from, id, forwarded, frequentlyForwarded = "frequently_forwarded", referredProduct = "referred_product"
    }
}

/// `messages[].referral`: the Click-to-WhatsApp ad or post the user came from.
public struct Referral: Hashable, Sendable, Codable {
    public var sourceURL: String?
    public var sourceID: String?
    /// `ad` or `post`.
    public var sourceType: String?
    public var headline: String?
    public var body: String?
    public var mediaType: String?
    public var imageURL: String?
    public var videoURL: String?
    public var thumbnailURL: String?
    /// The click id, for conversion reporting.
    public var ctwaClid: String?
    public var welcomeMessage: WelcomeMessage?

    public struct WelcomeMessage: Hashable, Sendable, Codable {
        public var text: String?
    }

    enum CodingKeys: String, CodingKey {
        case sourceURL = "source_url", sourceID = "source_id", sourceType = "source_type", headline, body
        case mediaType = "media_type", imageURL = "image_url", videoURL = "video_url"
        case thumbnailURL = "thumbnail_url", ctwaClid = "ctwa_clid", welcomeMessage = "welcome_message"
    }
}
