import Fluent
import Foundation
import SQLKit
import WhatsAppCloud

/// What one send attempt came to.
enum SendResult: Sendable {
    /// The provider accepted it and named it.
    case sent(wamid: String)
    case failed(code: Int?, title: String, detail: String)
    /// Try again after `after` seconds; `pauseAccount` holds the whole account that long (130429).
    case retry(after: Double, code: Int?, detail: String, pauseAccount: Bool)
    /// The account's token was refused: the account waits for re-authorisation, and so does the message.
    case reauthorize(code: Int?, detail: String)
    /// Not sent: it could not go out within its slot's lateness; it goes back to the queue for a new slot.
    case missedSlot
}

struct SendOutcome: Sendable {
    var claim: ClaimedSend
    var result: SendResult
}

/// Recording a batch of send outcomes in one transaction: the message's status and history, the outbox row,
/// pacing pauses, account state, and the events workspaces receive.
enum SendOutcomes {
    /// Returns the workspaces whose account state changed (their resolver caches need a refresh).
    static func commit(_ outcomes: [SendOutcome], at now: Date, on db: Database) async throws -> Set<UUID> {
        let messages = try await Message.query(on: db).filter(\.$id ~~ outcomes.map(\.claim.messageID)).all()
        let byID = Dictionary(uniqueKeysWithValues: messages.compactMap { message in message.id.map { ($0, message) } })
        let sent = outcomes.compactMap { outcome -> (claim: ClaimedSend, wamid: String)? in
            if case .sent(let wamid) = outcome.result { return (outcome.claim, wamid) } else { return nil }
        }
        try await commitSent(sent, messages: byID, at: now, on: db)
        var done = sent.map(\.claim.outboxID)
        var changedWorkspaces = Set<UUID>()
        for outcome in outcomes {
            guard let message = byID[outcome.claim.messageID] else { continue }
            let id = outcome.claim.messageID
            let previous = message.status
            var moved = false
            switch outcome.result {
            case .sent, .missedSlot: break
            default: try await history(id, MessageStatus.sending.rawValue, at: outcome.claim.slot, detail: "attempt \(outcome.claim.attempt)", on: db)
            }
            switch outcome.result {
            case .sent:
                continue
            case .failed(let code, let title, let detail):
                // The provider refused it, so no status of Meta's can exist for it: it fails from queued or sending.
                let failure = MessageTransitions.Failure(code: code, title: title, detail: detail)
                moved = try await MessageTransitions.advance(id, to: .failed, at: now, now: now, failure: failure, on: db)
                if moved {
                    message.errorCode = code
                    message.errorTitle = title
                    message.errorDetail = detail
                    try await history(id, MessageStatus.failed.rawValue, at: now, code: code, detail: "\(title): \(detail)", on: db)
                }
                done.append(outcome.claim.outboxID)
            case .retry(let after, let code, let detail, let pauseAccount):
                let next = now.addingTimeInterval(after)
                try await MessageTransitions.requeue(id, now: now, on: db)
                try await db.sql.update("outbox").set("available_at", to: next).set("lease_owner", to: SQLLiteral.null)
                    .set("lease_until", to: SQLLiteral.null).where("id", .equal, outcome.claim.outboxID).run()
                if pauseAccount {
                    try await db.sql.update("send_pacing").set("paused_until", to: next.timeIntervalSince1970)
                        .set("pause_reason", to: "throughput limit (\(code.map(String.init) ?? "-"))")
                        .where("id", .equal, outcome.claim.accountID).run()
                }
                try await history(id, "retrying", at: now, code: code,
                                  detail: "attempt \(outcome.claim.attempt) failed: \(detail); next attempt in \(String(format: "%.1f", after)) s", on: db)
            case .missedSlot:
                try await MessageTransitions.requeue(id, now: now, on: db)
                try await giveBack(outcome.claim, on: db)
            case .reauthorize(let code, let detail):
                try await MessageTransitions.requeue(id, now: now, on: db)
                try await giveBack(outcome.claim, on: db)
                try await history(id, "held", at: now, code: code, detail: "the account needs re-authorisation: \(detail)", on: db)
                if try await AccountHealth.requireReauthorization(outcome.claim.accountID, reason: detail, at: now, on: db) {
                    changedWorkspaces.insert(message.workspaceID)
                }
            }
            if moved {
                message.status = .failed
                message.statusAt = now
                try await WorkspaceEvents.record(.messageStatusChanged, workspaceID: message.workspaceID,
                                                 data: try MessageStatusEventData(message, previous: previous), at: now, on: db)
            }
        }
        if !done.isEmpty { try await db.sql.delete(from: "outbox").where("id", .in, done).run() }
        try await StatusReconciliation.attachEarlyStatuses(of: messages.filter { $0.wamid != nil }, at: now, on: db)
        return changedWorkspaces
    }

    /// The accepted sends of a batch, the common outcome, in a fixed number of statements however many there are:
    /// the provider's ids, the status, the history and the events. Per message, as the other outcomes are recorded,
    /// they were most of the dispatcher's CPU.
    private static func commitSent(_ sent: [(claim: ClaimedSend, wamid: String)], messages byID: [UUID: Message], at now: Date,
                                   on db: Database) async throws {
        guard !sent.isEmpty else { return }
        let ids = sent.map(\.claim.messageID)
        // Meta's own status may have linked the id first (through biz_opaque_callback_data); that one stays.
        let cases = sent.map { item -> SQLQueryString in "WHEN \(bind: item.claim.messageID) THEN \(bind: item.wamid)" }.joined(separator: " ")
        try await db.sql.raw("""
            UPDATE messages SET wamid = CASE id \(cases) END
            WHERE id IN (\(binds: ids)) AND direction = \(bind: MessageDirection.outbound.rawValue) AND wamid IS NULL
            """).run()
        // Meta's own `sent` (or later) may have arrived first; then the message has moved on and it is in the history.
        let movedRows = try await db.sql.update("messages").set("status", to: MessageStatus.sent.rawValue).set("status_at", to: now)
            .set("updated_at", to: now).where("id", .in, ids).where("status", .in, MessageTransitions.ranksBelow(.sent))
            .returning("id").all()
        let moved = Set(try movedRows.map { try $0.decode(column: "id", as: UUID.self) })
        var history = BulkInsert(into: MessageHistory.schema, columns: ["id", "message_id", "status", "occurred_at", "error_code", "detail"])
        var events: [(workspaceID: UUID, data: MessageStatusEventData, at: Date)] = []
        for item in sent {
            let id = item.claim.messageID
            history.add([UUID(), id, MessageStatus.sending.rawValue, item.claim.slot, Int?.none, "attempt \(item.claim.attempt)"])
            guard let message = byID[id] else { continue }
            if message.wamid == nil { message.wamid = item.wamid }
            guard moved.contains(id) else { continue }
            history.add([UUID(), id, MessageStatus.sent.rawValue, now, Int?.none, item.wamid])
            let previous = message.status
            message.status = .sent
            message.statusAt = now
            events.append((message.workspaceID, try MessageStatusEventData(message, previous: previous), now))
        }
        try await history.run(on: db.sql)
        try await WorkspaceEvents.recordAll(.messageStatusChanged, events, on: db)
    }

    /// Frees the row for another claim and returns the attempt: it was not the message's fault.
    private static func giveBack(_ claim: ClaimedSend, on db: Database) async throws {
        try await db.sql.raw("""
            UPDATE outbox SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1 WHERE id = \(bind: claim.outboxID)
            """).run()
    }

    private static func history(_ messageID: UUID, _ status: String, at time: Date, code: Int? = nil, detail: String?,
                                on db: Database) async throws {
        try await MessageHistory(messageID: messageID, status: status, at: time, errorCode: code, detail: detail).create(on: db)
    }
}
/// Meta's statuses can arrive before the dispatcher has stored the wamid (its answer and the webhook race).
/// They are kept without a message; once the wamid is stored, they are attached and applied.
enum StatusReconciliation {
    static func attachEarlyStatuses(of messages: [Message], at now: Date, on db: Database) async throws {
        let wamids = messages.compactMap(\.wamid)
        guard !wamids.isEmpty else { return }
        let orphans = try await MessageStatusEvent.query(on: db).filter(\.$messageID == nil).filter(\.$wamid ~~ wamids)
            .sort(\.$occurredAt).all()
        for event in orphans {
            guard let message = messages.first(where: { $0.wamid == event.wamid && $0.accountID == event.accountID }),
                  let value = try? JSONDecoder().decode(Status.self, from: Data(event.raw.utf8)) else { continue }
            event.messageID = message.id
            try await event.update(on: db)
            try await MessageStatusApplier.apply(value, to: message, occurredAt: event.occurredAt, at: now, on: db)
        }
    }
}
