/// A message the sandbox accepted, as `GET /sandbox/numbers/{id}/sent` lists it.
public struct SentMessage: Sendable, Codable, Hashable {
    /// The `wamid` the send answered with.
    public var id: String
    /// The recipient's WhatsApp id (digits), absent when sent to a business-scoped user id.
    public var to: String?
    public var recipientUserId: String?
    public var type: String
    public var templateName: String?
    public var bizOpaqueCallbackData: String?
    /// `service` for free-form messages, else the template's category in lower case.
    public var pricingCategory: String
    /// Unix seconds.
    public var acceptedAt: Int
    /// Unix milliseconds: enough to check a sender's pacing within a second.
    public var acceptedAtMs: Int64
    /// The `conversation.id` its statuses carry.
    public var conversationId: String
    /// Statuses whose webhook the receiver accepted, in delivery order.
    public var statuses: [String]
}

/// Counters since start (or the last reset).
public struct SandboxStats: Sendable, Codable, Hashable {
    public var numbers = 0
    public var templates = 0
    public var mediaStored = 0
    public var messagesAccepted = 0
    public var readReceipts = 0
    /// Graph error answers by code (as a string key, for JSON).
    public var graphErrors: [String: Int] = [:]
    public var inboundInjected = 0
    public var webhooksDelivered = 0
    /// Attempts the receiver refused or didn't answer (each retry counts).
    public var webhookAttemptsFailed = 0
    /// Webhooks given up on after the last retry.
    public var webhooksAbandoned = 0
    /// Webhooks not posted because the number has no callback URL.
    public var webhooksWithoutCallback = 0
    public var webhooksDropped = 0
    public var webhooksDuplicated = 0
    public var evolutionInstances = 0
    public var evolutionMessagesSent = 0
    public var evolutionEventsDelivered = 0

    public init() {}
}
