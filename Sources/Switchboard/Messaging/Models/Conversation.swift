import Fluent
import Foundation

/// The thread between one workspace and one contact on one account.
final class Conversation: Model, @unchecked Sendable {
    static let schema = "conversations"

    @ID(key: .id) var id: UUID?
    @Field(key: "workspace_id") var workspaceID: UUID
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "contact_id") var contactID: UUID
    @Field(key: "status") var status: ConversationStatus
    @Field(key: "last_message_at") var lastMessageAt: Date
    @Field(key: "unread_count") var unreadCount: Int
    /// The end of the customer service window: 24 hours after the last inbound message.
    @OptionalField(key: "window_expires_at") var windowExpiresAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

public enum ConversationStatus: String, Codable, CaseIterable, Sendable {
    case open, archived, blocked
}
