import Fluent
import Foundation

/// One status Meta reported for a sent message: the history. Kept even when no message has the wamid.
final class MessageStatusEvent: Model, @unchecked Sendable {
    static let schema = "message_status_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "workspace_id") var workspaceID: UUID
    @Field(key: "account_id") var accountID: UUID
    @OptionalField(key: "message_id") var messageID: UUID?
    @Field(key: "wamid") var wamid: String
    /// Meta's value as sent (also values not modelled, such as `deleted`).
    @Field(key: "status") var status: String
    @Field(key: "occurred_at") var occurredAt: Date
    @OptionalField(key: "error_code") var errorCode: Int?
    @Field(key: "raw") var raw: String
    @Field(key: "received_at") var receivedAt: Date

    init() {}
}
