import Fluent
import Foundation

/// An accepted send that no dispatcher has finished: deleted once the message is sent or failed.
final class OutboxItem: Model, @unchecked Sendable {
    static let schema = "outbox"

    @ID(key: .id) var id: UUID?
    @Field(key: "message_id") var messageID: UUID
    @Field(key: "workspace_id") var workspaceID: UUID
    @Field(key: "account_id") var accountID: UUID
    /// Not before: the pair rate and retry backoff push this forward.
    @Field(key: "available_at") var availableAt: Date
    @OptionalField(key: "lease_owner") var leaseOwner: String?
    @OptionalField(key: "lease_until") var leaseUntil: Date?
    @Field(key: "attempts") var attempts: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// The answer kept for an `Idempotency-Key`: the same key and body answer the same message.
final class IdempotencyKey: Model, @unchecked Sendable {
    static let schema = "idempotency_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "workspace_id") var workspaceID: UUID
    @Field(key: "key") var key: String
    @Field(key: "request_hash") var requestHash: String
    @Field(key: "message_id") var messageID: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
