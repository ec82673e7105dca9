import Fluent
import Foundation

/// One step in an outbound message's life: queued, sending, retrying, held, sent, delivered, read, failed.
final class MessageHistory: Model, @unchecked Sendable {
    static let schema = "message_history"

    @ID(key: .id) var id: UUID?
    @Field(key: "message_id") var messageID: UUID
    @Field(key: "status") var status: String
    @Field(key: "occurred_at") var occurredAt: Date
    @OptionalField(key: "error_code") var errorCode: Int?
    @OptionalField(key: "detail") var detail: String?

    init() {}

    convenience init(messageID: UUID, status: String, at time: Date, errorCode: Int? = nil, detail: String? = nil) {
        self.init()
        self.messageID = messageID
        self.status = status
        self.occurredAt = time
        self.errorCode = errorCode
        self.detail = detail.map { String($0.prefix(1000)) }
    }
}
