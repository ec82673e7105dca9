import Fluent
import Foundation
import SQLKit
import WhatsAppCloud

/// Applies one Meta status to an outbound message: pricing, the forward-only move, the error of a failure,
/// a history step and the workspace event. Used by the webhook and by the dispatcher for statuses that came early.
enum MessageStatusApplier {
    static func apply(_ status: Status, to message: Message, occurredAt: Date, at now: Date, on db: Database) async throws {
        guard message.direction == .outbound else { return }
        let id = try message.requireID()
        if let pricing = status.raw["pricing"] {
            try await db.sql.update("messages").set("pricing", to: InboundProcessor.json(pricing)).where("id", .equal, id).run()
        }
        guard let next = StatusOrder.messageStatus(status.status) else { return }
        let error = status.errors.first
        let failure = next == .failed ? error.map { MessageTransitions.Failure(code: $0.code, title: $0.title, detail: $0.details ?? $0.message) } : nil
        // Meta's timestamps are whole seconds; never let a later step sort before an earlier one.
        let at = max(occurredAt, message.statusAt)
        let previous = message.status
        guard try await MessageTransitions.advance(id, to: next, at: at, now: now, failure: failure, on: db) else { return }
        message.status = next
        message.statusAt = at
        if let failure {
            message.errorCode = failure.code
            message.errorTitle = failure.title
            message.errorDetail = failure.detail
        }
        try await MessageHistory(messageID: id, status: next.rawValue, at: at, errorCode: error?.code,
                                 detail: error.map { $0.details ?? $0.message ?? $0.title ?? "" }).create(on: db)
        try await WorkspaceEvents.record(.messageStatusChanged, workspaceID: message.workspaceID,
                                         data: try MessageStatusEventData(message, previous: previous), at: now, on: db)
    }
}
