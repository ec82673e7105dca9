import Fluent
import Foundation

/// One event on its way to one endpoint: pending until delivered, or failed after the retry period.
final class EventDelivery: Model, @unchecked Sendable {
    static let schema = "event_deliveries"

    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: UUID
    @Field(key: "endpoint_id") var endpointID: UUID
    @Field(key: "workspace_id") var workspaceID: UUID
    @Field(key: "state") var state: EventDeliveryState
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "next_attempt_at") var nextAttemptAt: Date?
    @OptionalField(key: "lease_owner") var leaseOwner: String?
    @OptionalField(key: "lease_until") var leaseUntil: Date?
    @OptionalField(key: "last_status_code") var lastStatusCode: Int?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "delivered_at") var deliveredAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    /// A new delivery, due now. A replay is one too, so the log keeps every earlier delivery.
    init(pending eventID: UUID, endpointID: UUID, workspaceID: UUID, at time: Date) {
        self.id = UUID()
        self.eventID = eventID
        self.endpointID = endpointID
        self.workspaceID = workspaceID
        self.state = .pending
        self.attempts = 0
        self.nextAttemptAt = time
        self.createdAt = time
        self.updatedAt = time
    }
}

public enum EventDeliveryState: String, Codable, CaseIterable, Sendable {
    case pending, delivered, failed
}

/// One HTTP attempt of a delivery: the log an endpoint's page shows.
final class EventDeliveryAttempt: Model, @unchecked Sendable {
    static let schema = "event_delivery_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "delivery_id") var deliveryID: UUID
    @Field(key: "attempted_at") var attemptedAt: Date
    @OptionalField(key: "status_code") var statusCode: Int?
    @OptionalField(key: "error") var error: String?
    @Field(key: "duration_ms") var durationMs: Int

    init() {}
}
