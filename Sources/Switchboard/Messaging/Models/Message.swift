import Fluent
import Foundation

/// One inbound or outbound WhatsApp message. Unique per (account, wamid).
final class Message: Model, @unchecked Sendable {
    static let schema = "messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "workspace_id") var workspaceID: UUID
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "conversation_id") var conversationID: UUID
    @Field(key: "contact_id") var contactID: UUID
    @Field(key: "direction") var direction: MessageDirection
    @OptionalField(key: "wamid") var wamid: String?
    @Field(key: "type") var type: String
    /// The message JSON (inbound: exactly Meta's `messages[]` entry).
    @Field(key: "content") var content: String
    @Field(key: "status") var status: MessageStatus
    @OptionalField(key: "error_code") var errorCode: Int?
    @OptionalField(key: "error_title") var errorTitle: String?
    @OptionalField(key: "error_detail") var errorDetail: String?
    /// The last `pricing` object Meta sent with a status, as JSON.
    @OptionalField(key: "pricing") var pricing: String?
    @OptionalField(key: "reply_to_wamid") var replyToWamid: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// When the current status happened (Meta's timestamp for statuses).
    @Field(key: "status_at") var statusAt: Date
    /// Outbound: the resolver's decision (`StoredDecision` JSON), so it is clear why this account sent it.
    @OptionalField(key: "decision") var decision: String?
    /// Outbound: who asked for the send (an API key or member label).
    @OptionalField(key: "created_by") var createdBy: String?

    init() {}
}

public enum MessageDirection: String, Codable, CaseIterable, Sendable {
    case inbound, outbound
}

/// `received` for inbound; queued → sending → sent → delivered → read (→ played), or failed, for outbound.
/// A retried send goes back to `queued` until its next attempt.
public enum MessageStatus: String, Codable, CaseIterable, Sendable {
    case received, queued, sending, sent, delivered, read, played, failed
}
