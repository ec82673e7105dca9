import Fluent
import Foundation
import WhatsAppCloud

/// Applies one Meta status to an outbound message: pricing, the forward-only move, the error of a failure,
/// a history step and the workspace event. Used by the webhook and by the dispatcher for statuses that came early.
enum MessageStatusApplier {
    static func apply(_ status: Status, to message: Message, occurredAt: Date, at now: Date, on db: Database) async throws {
        guard message.direction == .outbound else { return }
        let previous = message.status
        var changed = false
        if let pricing = status.raw["pricing"] {
            message.pricing = InboundProcessor.json(pricing)
            changed = true
        }
        if let next = StatusOrder.advance(from: message.status, to: status.status) {
            // Meta's timestamps are whole seconds; never let a later step sort before an earlier one.
            let at = max(occurredAt, message.statusAt)
            message.status = next
            message.statusAt = at
            let error = status.errors.first
            if next == .failed, let error {
                message.errorCode = error.code
                message.errorTitle = error.title
                message.errorDetail = error.details ?? error.message
            }
            try await MessageHistory(messageID: try message.requireID(), status: next.rawValue, at: at,
                                     errorCode: error?.code, detail: error.map { $0.details ?? $0.message ?? $0.title ?? "" }).create(on: db)
            changed = true
        }
        guard changed else { return }
        message.updatedAt = now
        try await message.update(on: db)
        if message.status != previous {
            try await WorkspaceEvents.record(.messageStatusChanged, workspaceID: message.workspaceID,
                                             data: try MessageStatusEventData(message, previous: previous), at: now, on: db)
        }
    }
}
