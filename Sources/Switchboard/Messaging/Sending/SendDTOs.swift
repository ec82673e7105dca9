import Foundation
import Vapor

/// The resolver's decision as stored on an outbound message.
public struct StoredDecision: Codable, Sendable, Equatable {
    public var step: ResolutionStep.Name?
    public var steps: [ResolutionStep]
}

/// One step of a message's history.
public struct MessageHistoryEntry: Codable, Sendable, Equatable {
    public var status: String
    public var at: Date
    public var errorCode: Int?
    public var detail: String?
}

/// A message with where it went and how it got there: `POST /messages` (202) and `GET /messages/{id}`.
public struct MessageDetailDTO: Content, Sendable {
    public var id: UUID
    public var conversationId: UUID
    public var accountId: UUID
    public var contact: ContactDTO
    public var direction: MessageDirection
    public var wamid: String?
    public var type: String
    public var content: String
    public var status: MessageStatus
    public var errorCode: Int?
    public var errorTitle: String?
    public var errorDetail: String?
    public var replyToWamid: String?
    public var decision: StoredDecision?
    public var history: [MessageHistoryEntry]
    public var createdAt: Date
    public var statusAt: Date

    init(_ message: Message, contact: Contact, history: [MessageHistory]) throws {
        id = try message.requireID()
        conversationId = message.conversationID
        accountId = message.accountID
        self.contact = try ContactDTO(contact)
        direction = message.direction
        wamid = message.wamid
        type = message.type
        content = message.content
        status = message.status
        errorCode = message.errorCode
        errorTitle = message.errorTitle
        errorDetail = message.errorDetail
        replyToWamid = message.replyToWamid
        decision = message.decision.flatMap { try? JSONDecoder().decode(StoredDecision.self, from: Data($0.utf8)) }
        self.history = history.map { MessageHistoryEntry(status: $0.status, at: $0.occurredAt, errorCode: $0.errorCode, detail: $0.detail) }
        createdAt = message.createdAt
        statusAt = message.statusAt
    }
}

/// What `message.status_changed` events carry.
struct MessageStatusEventData: Encodable {
    var messageId: UUID
    var conversationId: UUID
    var accountId: UUID
    var wamid: String?
    var status: MessageStatus
    var previousStatus: MessageStatus
    var errorCode: Int?
    var errorTitle: String?
    var errorDetail: String?
    var at: Date

    init(_ message: Message, previous: MessageStatus) throws {
        messageId = try message.requireID()
        conversationId = message.conversationID
        accountId = message.accountID
        wamid = message.wamid
        status = message.status
        previousStatus = previous
        errorCode = message.errorCode
        errorTitle = message.errorTitle
        errorDetail = message.errorDetail
        at = message.statusAt
    }
}
