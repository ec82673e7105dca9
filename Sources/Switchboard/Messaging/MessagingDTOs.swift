import Foundation
import Vapor

/// A contact as the API shows it.
public struct ContactDTO: Content, Sendable, Equatable {
    public var id: UUID
    public var waId: String?
    public var userId: String?
    public var profileName: String?

    init(_ contact: Contact) throws {
        id = try contact.requireID()
        waId = contact.waID
        userId = contact.userID
        profileName = contact.profileName
    }
}

/// A conversation with its contact, for the inbox.
public struct ConversationDTO: Content, Sendable {
    public var id: UUID
    public var accountId: UUID
    public var contact: ContactDTO
    public var status: ConversationStatus
    public var unreadCount: Int
    public var lastMessageAt: Date
    public var windowExpiresAt: Date?
    /// Whether a free-form message may be sent now (the 24-hour window is open).
    public var windowOpen: Bool
    public var createdAt: Date
    public var updatedAt: Date

    init(_ conversation: Conversation, contact: Contact, now: Date) throws {
        id = try conversation.requireID()
        accountId = conversation.accountID
        self.contact = try ContactDTO(contact)
        status = conversation.status
        unreadCount = conversation.unreadCount
        lastMessageAt = conversation.lastMessageAt
        windowExpiresAt = conversation.windowExpiresAt
        windowOpen = ServiceWindow.isOpen(expiresAt: conversation.windowExpiresAt, now: now)
        createdAt = conversation.createdAt
        updatedAt = conversation.updatedAt
    }
}

/// A message in a conversation.
public struct MessageDTO: Content, Sendable {
    public var id: UUID
    public var conversationId: UUID
    /// The account the message came in on or went out through.
    public var accountId: UUID
    public var direction: MessageDirection
    public var wamid: String?
    public var type: String
    /// The message JSON (inbound: Meta's `messages[]` entry).
    public var content: String
    public var status: MessageStatus
    public var errorCode: Int?
    public var errorTitle: String?
    public var errorDetail: String?
    public var replyToWamid: String?
    public var createdAt: Date
    public var statusAt: Date

    init(_ message: Message) throws {
        id = try message.requireID()
        conversationId = message.conversationID
        accountId = message.accountID
        direction = message.direction
        wamid = message.wamid
        type = message.type
        content = message.content
        status = message.status
        errorCode = message.errorCode
        errorTitle = message.errorTitle
        errorDetail = message.errorDetail
        replyToWamid = message.replyToWamid
        createdAt = message.createdAt
        statusAt = message.statusAt
    }
}

/// `GET /api/v1/conversations` query.
public struct ConversationListQuery: Content {
    public var status: ConversationStatus?
    public var unread: Bool?
    public var search: String?
    public var limit: Int?
    public var cursor: String?
}

/// `GET /api/v1/conversations/{id}/messages` query.
public struct MessageListQuery: Content {
    public var limit: Int?
    public var cursor: String?
}
