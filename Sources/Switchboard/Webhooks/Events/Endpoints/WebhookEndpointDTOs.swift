import Foundation
import Vapor

/// What the API says about a webhook endpoint. Never the secret: at most its last 4 characters.
public struct WebhookEndpointDTO: Content, Equatable {
    public var id: UUID
    public var url: String
    public var eventKinds: [String]
    public var isActive: Bool
    public var secretLast4: String
    public var createdBy: String?
    public var updatedBy: String?
    public var createdAt: Date
    public var updatedAt: Date

    init(_ endpoint: WebhookEndpoint, secretLast4: String) throws {
        id = try endpoint.requireID()
        url = endpoint.url
        eventKinds = endpoint.kinds
        isActive = endpoint.isActive
        self.secretLast4 = secretLast4
        createdBy = endpoint.createdBy
        updatedBy = endpoint.updatedBy
        createdAt = endpoint.createdAt
        updatedAt = endpoint.updatedAt
    }
}

/// The answer to creating an endpoint or rotating its secret: the only time the secret is shown.
public struct WebhookEndpointWithSecretDTO: Content {
    public var endpoint: WebhookEndpointDTO
    public var secret: String
}

/// One delivery of an event to an endpoint, with every attempt made so far (oldest first).
public struct EventDeliveryDTO: Content, Equatable {
    public var id: UUID
    public var endpointId: UUID
    public var eventId: UUID
    public var eventType: String
    public var state: EventDeliveryState
    public var attemptCount: Int
    public var lastStatusCode: Int?
    public var lastError: String?
    public var nextAttemptAt: Date?
    public var deliveredAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var attempts: [EventDeliveryAttemptDTO]

    init(_ delivery: EventDelivery, eventType: String, attempts: [EventDeliveryAttempt]) throws {
        id = try delivery.requireID()
        endpointId = delivery.endpointID
        eventId = delivery.eventID
        self.eventType = eventType
        state = delivery.state
        attemptCount = delivery.attempts
        lastStatusCode = delivery.lastStatusCode
        lastError = delivery.lastError
        nextAttemptAt = delivery.state == .pending ? delivery.nextAttemptAt : nil
        deliveredAt = delivery.deliveredAt
        createdAt = delivery.createdAt
        updatedAt = delivery.updatedAt
        self.attempts = attempts.map(EventDeliveryAttemptDTO.init)
    }
}

public struct EventDeliveryAttemptDTO: Content, Equatable {
    public var attemptedAt: Date
    public var statusCode: Int?
    public var error: String?
    public var durationMs: Int

    init(_ attempt: EventDeliveryAttempt) {
        attemptedAt = attempt.attemptedAt
        statusCode = attempt.statusCode
        error = attempt.error
        durationMs = attempt.durationMs
    }
}

public struct CreateWebhookEndpointInput: APIInput, Encodable {
    public static let fields: Set<String> = ["url", "eventKinds", "secret"]
    public var url: String
    public var eventKinds: [String]
    /// Optional: without one, a random `whsec_…` secret is generated.
    public var secret: String?

    public init(url: String, eventKinds: [String], secret: String? = nil) {
        self.url = url
        self.eventKinds = eventKinds
        self.secret = secret
    }
}

/// A partial update: a field that is absent stays as it is.
public struct UpdateWebhookEndpointInput: APIInput, Encodable {
    public static let fields: Set<String> = ["url", "eventKinds", "isActive"]
    public var url: String?
    public var eventKinds: [String]?
    public var isActive: Bool?

    public init(url: String? = nil, eventKinds: [String]? = nil, isActive: Bool? = nil) {
        self.url = url
        self.eventKinds = eventKinds
        self.isActive = isActive
    }
}

/// Paging of the endpoint list and of a delivery log, newest first.
public struct EventPageQuery: Content {
    public var state: EventDeliveryState?
    public var limit: Int?
    public var cursor: String?

    public init(state: EventDeliveryState? = nil, limit: Int? = nil, cursor: String? = nil) {
        self.state = state
        self.limit = limit
        self.cursor = cursor
    }
}
