/// Misbehaviour injected per number, each at a rate between 0 and 1, rolled on the sandbox's seeded
/// generator. Applies to `POST /{pnid}/messages` and to the webhooks of that number.
public struct Faults: Sendable, Codable, Hashable {
    /// Answer sends with this Graph error code (at `errorRate`, which defaults to 1 when a code is given).
    public var errorCode: Int?
    public var errorRate: Double
    /// Accept sends, then report them `failed` with this code in a status webhook (at `failedStatusRate`,
    /// default 1 when a code is given), the way Meta reports undeliverable messages (131026 and others).
    public var failedStatusCode: Int?
    public var failedStatusRate: Double
    /// Answer HTTP 429 with code 130429 (throughput reached).
    public var rate429: Double
    /// Answer HTTP 503 with the transient code 131016.
    public var rate5xx: Double
    /// Wait this long before answering.
    public var latencyMs: Int
    /// Never post a webhook.
    public var dropWebhookRate: Double
    /// Post a webhook twice.
    public var duplicateWebhookRate: Double
    /// Post a message's statuses in reverse order (read, delivered, sent).
    public var reorderWebhooks: Bool

    public init(
        errorCode: Int? = nil, errorRate: Double? = nil, failedStatusCode: Int? = nil, failedStatusRate: Double? = nil,
        rate429: Double = 0, rate5xx: Double = 0, latencyMs: Int = 0, dropWebhookRate: Double = 0,
        duplicateWebhookRate: Double = 0, reorderWebhooks: Bool = false
    ) {
        self.errorCode = errorCode
        self.errorRate = errorRate ?? (errorCode == nil ? 0 : 1)
        self.failedStatusCode = failedStatusCode
        self.failedStatusRate = failedStatusRate ?? (failedStatusCode == nil ? 0 : 1)
        self.rate429 = rate429
        self.rate5xx = rate5xx
        self.latencyMs = latencyMs
        self.dropWebhookRate = dropWebhookRate
        self.duplicateWebhookRate = duplicateWebhookRate
        self.reorderWebhooks = reorderWebhooks
    }

    /// Every field is optional in JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            errorCode: try container.decodeIfPresent(Int.self, forKey: .errorCode),
            errorRate: try container.decodeIfPresent(Double.self, forKey: .errorRate),
            failedStatusCode: try container.decodeIfPresent(Int.self, forKey: .failedStatusCode),
            failedStatusRate: try container.decodeIfPresent(Double.self, forKey: .failedStatusRate),
            rate429: try container.decodeIfPresent(Double.self, forKey: .rate429) ?? 0,
            rate5xx: try container.decodeIfPresent(Double.self, forKey: .rate5xx) ?? 0,
            latencyMs: try container.decodeIfPresent(Int.self, forKey: .latencyMs) ?? 0,
            dropWebhookRate: try container.decodeIfPresent(Double.self, forKey: .dropWebhookRate) ?? 0,
            duplicateWebhookRate: try container.decodeIfPresent(Double.self, forKey: .duplicateWebhookRate) ?? 0,
            reorderWebhooks: try container.decodeIfPresent(Bool.self, forKey: .reorderWebhooks) ?? false)
    }
}
