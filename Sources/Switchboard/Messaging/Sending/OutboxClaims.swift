import Fluent
import Foundation
import SQLKit

/// One outbox row claimed by a dispatcher, with the time its account's pacing lets it go out.
struct ClaimedSend: Sendable {
    var outboxID: UUID
    var messageID: UUID
    var accountID: UUID
    /// This attempt's number, from 1.
    var attempt: Int
    var slot: Date
}

/// Claiming due outbox rows in one transaction: lock them (PostgreSQL `SKIP LOCKED`, so dispatchers in other
/// processes take other rows), reserve each account's send slots in `send_pacing` (shared by every process,
/// so an account's rate holds across all of them), lease what fits in the horizon, and mark it `sending`.
enum OutboxClaims {
    static func claim(owner: String, now: Date, settings: DispatchSettings, on db: Database) async throws -> [ClaimedSend] {
        let seconds = now.timeIntervalSince1970
        let lock: SQLQueryString = db.isPostgres ? " FOR UPDATE OF o SKIP LOCKED" : ""
        let rows = try await db.sql.raw("""
            SELECT o.id, o.message_id, o.account_id, o.attempts, m.wamid FROM outbox o JOIN messages m ON m.id = o.message_id
            WHERE o.available_at <= \(bind: now) AND (o.lease_until IS NULL OR o.lease_until < \(bind: now))
              AND NOT EXISTS (SELECT 1 FROM whatsapp_accounts a WHERE a.id = o.account_id AND a.status = 'reauth_required')
              AND NOT EXISTS (SELECT 1 FROM send_pacing p WHERE p.id = o.account_id
                              AND (p.paused_until > \(bind: seconds) OR p.next_slot > \(bind: seconds + settings.horizon)))
            ORDER BY o.available_at, o.id LIMIT \(literal: settings.batchSize)\(lock)
            """).all()
        struct Due { var outboxID: UUID; var messageID: UUID; var accountID: UUID; var attempts: Int }
        var due: [Due] = []
        var known: [UUID] = []
        for row in rows {
            let item = Due(outboxID: try row.decode(column: "id", as: UUID.self), messageID: try row.decode(column: "message_id", as: UUID.self),
                           accountID: try row.decode(column: "account_id", as: UUID.self), attempts: try row.decode(column: "attempts", as: Int.self))
            // A wamid means Meta accepted it already (a status webhook linked it after a crash): done, never resent.
            if try row.decode(column: "wamid", as: String?.self) != nil { known.append(item.outboxID) } else { due.append(item) }
        }
        if !known.isEmpty { try await db.sql.delete(from: "outbox").where("id", .in, known).run() }
        guard !due.isEmpty else { return [] }

        let accountIDs = Array(Set(due.map(\.accountID))).sorted { $0.uuidString < $1.uuidString }
        var rates: [UUID: Int] = [:]
        for row in try await db.sql.select().column("id").column("messages_per_second").from("whatsapp_accounts")
            .where("id", .in, accountIDs).all() {
            rates[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "messages_per_second", as: Int.self)
        }
        var claimed: [ClaimedSend] = []
        // Accounts in a fixed order, so two dispatchers locking pacing rows never wait on each other in a circle.
        for accountID in accountIDs {
            let items = due.filter { $0.accountID == accountID }
            let nextSlot = try await lockPacing(accountID, on: db)
            let reserved = SendPacing.accountSlots(nextSlot: nextSlot, now: seconds + settings.lead, rate: rates[accountID] ?? 80,
                                                   wanted: items.count, horizon: settings.horizon, lateness: settings.lateness)
            guard !reserved.slots.isEmpty else { continue }
            try await db.sql.update("send_pacing").set("next_slot", to: reserved.nextSlot).where("id", .equal, accountID).run()
            for (item, slot) in zip(items, reserved.slots) {
                claimed.append(ClaimedSend(outboxID: item.outboxID, messageID: item.messageID, accountID: accountID,
                                           attempt: item.attempts + 1, slot: Date(timeIntervalSince1970: slot)))
            }
        }
        guard !claimed.isEmpty else { return [] }
        let leaseUntil = now.addingTimeInterval(settings.lease + settings.horizon)
        try await db.sql.raw("""
            UPDATE outbox SET lease_owner = \(bind: owner), lease_until = \(bind: leaseUntil), attempts = attempts + 1
            WHERE id IN \(SQLBind.group(claimed.map(\.outboxID)))
            """).run()
        try await db.sql.update("messages").set("status", to: MessageStatus.sending.rawValue).set("updated_at", to: now)
            .where("id", .in, claimed.map(\.messageID)).run()
        return claimed
    }

    /// The account's next free slot, its pacing row created if missing and locked (PostgreSQL) until commit.
    private static func lockPacing(_ accountID: UUID, on db: Database) async throws -> Double {
        try await db.sql.raw("INSERT INTO send_pacing (id, next_slot) VALUES (\(bind: accountID), 0) ON CONFLICT (id) DO NOTHING").run()
        let lock: SQLQueryString = db.isPostgres ? " FOR UPDATE" : ""
        let row = try await db.sql.raw("SELECT next_slot FROM send_pacing WHERE id = \(bind: accountID)\(lock)").first()
        return try row?.decode(column: "next_slot", as: Double.self) ?? 0
    }

    /// A new send slot for a message that missed its own: the next free one of the account, no sooner than
    /// `earliest`. Taken from the same shared sequence as claims, so the rate still holds everywhere.
    static func reserveSlot(accountID: UUID, earliest: Double, rate: Int, lateness: Double, on db: Database) async throws -> Date {
        let nextSlot = try await lockPacing(accountID, on: db)
        let slot = max(nextSlot, earliest)
        try await db.sql.update("send_pacing").set("next_slot", to: slot + SendPacing.interval(rate: rate, lateness: lateness))
            .where("id", .equal, accountID).run()
        return Date(timeIntervalSince1970: slot)
    }

    /// On SQLite only this process dispatches, so at start every lease (of `table`: the outbox, event
    /// deliveries) is a dead process's: free them now instead of waiting for them to expire.
    static func releaseStaleLeases(in table: String, on db: Database) async throws {
        guard !db.isPostgres else { return }
        try await db.sql.update(table).set("lease_owner", to: SQLLiteral.null).set("lease_until", to: SQLLiteral.null)
            .where("lease_owner", .isNot, SQLLiteral.null).run()
    }
}
