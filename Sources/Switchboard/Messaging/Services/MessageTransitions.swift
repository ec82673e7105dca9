import Fluent
import Foundation
import SQLKit

/// Status changes as single conditional UPDATEs: the condition is checked against the row as it is when the
/// update runs, so a webhook and a dispatcher (or two webhooks) changing one message at once can never move it
/// backwards. A read-modify-write through a model could: both read `sent`, one writes `read`, the other
/// `delivered` last.
enum MessageTransitions {
    struct Failure {
        var code: Int?
        var title: String?
        var detail: String?
    }

    /// Moves the message to `status` if it is at a lower rank now; true when it moved.
    static func advance(_ id: UUID, to status: MessageStatus, at time: Date, now: Date, failure: Failure? = nil,
                        on db: Database) async throws -> Bool {
        let lower = ranksBelow(status)
        guard !lower.isEmpty else { return false }
        var update = db.sql.update("messages").set("status", to: status.rawValue).set("status_at", to: time).set("updated_at", to: now)
        if let failure {
            update = update.set("error_code", to: failure.code).set("error_title", to: failure.title).set("error_detail", to: failure.detail)
        }
        let moved = try await update.where("id", .equal, id).where("status", .in, lower).returning("id").all()
        return !moved.isEmpty
    }

    /// The statuses a message may move to `status` from.
    static func ranksBelow(_ status: MessageStatus) -> [String] {
        guard let target = StatusOrder.rank(status) else { return [] }
        return MessageStatus.allCases.filter { StatusOrder.rank($0).map { $0 < target } ?? false }.map(\.rawValue)
    }

    /// Back to `queued` after an attempt that will be retried (only from `sending`, so nothing Meta reported is undone).
    static func requeue(_ id: UUID, now: Date, on db: Database) async throws {
        try await db.sql.update("messages").set("status", to: MessageStatus.queued.rawValue).set("updated_at", to: now)
            .where("id", .equal, id).where("status", .equal, MessageStatus.sending.rawValue).run()
    }

    /// Stores the provider's id unless one is stored already; true when this call stored it.
    static func setWamid(_ id: UUID, wamid: String, accountID: UUID, on db: Database) async throws -> Bool {
        let set = try await db.sql.update("messages").set("wamid", to: wamid).where("id", .equal, id)
            .where("account_id", .equal, accountID).where("direction", .equal, MessageDirection.outbound.rawValue)
            .where("wamid", .is, SQLLiteral.null).returning("id").all()
        return !set.isEmpty
    }
}
