import Fluent
import FluentPostgresDriver
import NIOConcurrencyHelpers
import NIOCore
import SQLKit

/// The connection a PostgreSQL transaction ran on closed under it (PostgreSQL restarted, or terminated the backend).
struct DatabaseConnectionLost: Error, CustomStringConvertible {
    var description: String { "the database connection closed during the transaction" }
}

extension Database {
    /// BEGIN, work, COMMIT (ROLLBACK on error) on one pooled PostgreSQL connection, failing with
    /// `DatabaseConnectionLost` as soon as that connection closes instead of waiting forever.
    ///
    /// Why not Fluent's `transaction`: postgres-nio 1.33.2 writes a statement to its channel without checking
    /// that the channel is still open (`PostgresConnection.queryStream`/`query`: `channel.write(..., promise: nil)`).
    /// Once a closed channel's pipeline has been torn down, the write is dropped and the statement's promise is
    /// never completed. A transaction hits that whenever PostgreSQL ends the backend between two of its
    /// statements: typically the statement in flight fails with 57P01, and the ROLLBACK that Fluent then sends
    /// (an async hop later, after the channel closed) waits forever, inside async-kit's `withConnection`, so the
    /// connection is never given back. Once a loop's pool has lost all its slots that way, every request on that
    /// loop times out. Here the whole transaction races the connection's close; the pool gets the connection
    /// back (and prunes it, as it is closed).
    func postgresTransaction<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await withConnection { db in
            let sql = db.sql
            guard let postgres = db as? any PostgresDatabase else {
                return try await Self.transactionBody(sql: sql, db: db, onFailedRollback: {}, work)
            }
            let connection = try await postgres.withConnection { $0.eventLoop.makeSucceededFuture($0) }.get()
            return try await connection.unlessClosed {
                try await Self.transactionBody(sql: sql, db: db, onFailedRollback: { let closing: EventLoopFuture<Void> = connection.close(); _ = closing }, work)
            }
        }
    }

    private static func transactionBody<T: Sendable>(sql: any SQLDatabase, db: any Database,
                                                     onFailedRollback: () -> Void,
                                                     _ work: @Sendable (any Database) async throws -> T) async throws -> T {
        try await sql.raw("BEGIN").run()
        do {
            let result = try await work(db)
            try await sql.raw("COMMIT").run()
            return result
        } catch {
            // The caller wants the transaction's error, not the ROLLBACK's. A connection whose ROLLBACK failed may
            // still be inside the transaction: closed, so the pool does not hand it out again like that.
            do { try await sql.raw("ROLLBACK").run() } catch { onFailedRollback() }
            throw error
        }
    }
}

extension PostgresConnection {
    /// Runs `body`, or fails with `DatabaseConnectionLost` as soon as this connection closes, whichever comes
    /// first. A statement of `body` that postgres-nio dropped stays suspended for good (nothing can complete it);
    /// only that small task is left behind, not the pooled connection.
    func unlessClosed<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let promise = eventLoop.makePromise(of: T.self)
        let watch = ConnectionCloseWatch.shared.register(self) { promise.fail(DatabaseConnectionLost()) }
        defer { ConnectionCloseWatch.shared.unregister(watch) }
        let task = Task {
            do { promise.succeed(try await body()) } catch { promise.fail(error) }
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            task.cancel()
        }
    }
}

/// Calls back whoever waits on a connection when it closes. One `closeFuture` callback per connection rather than
/// one per transaction, so a long-lived connection does not collect a callback for every transaction it ran.
final class ConnectionCloseWatch: Sendable {
    static let shared = ConnectionCloseWatch()

    struct Registration: Sendable {
        let connection: ObjectIdentifier
        let id: UInt64
    }

    private struct State {
        var nextID: UInt64 = 0
        /// A key is present from the first registration until the connection closes: its close callback is attached.
        var waiters: [ObjectIdentifier: [UInt64: @Sendable () -> Void]] = [:]
    }

    private let state = NIOLockedValueBox(State())

    func register(_ connection: PostgresConnection, onClose: @escaping @Sendable () -> Void) -> Registration {
        let key = ObjectIdentifier(connection)
        let (id, isFirst) = state.withLockedValue { state in
            state.nextID += 1
            let isFirst = state.waiters[key] == nil
            state.waiters[key, default: [:]][state.nextID] = onClose
            return (state.nextID, isFirst)
        }
        if isFirst {
            // Runs at once if the connection is already closed.
            connection.closeFuture.whenComplete { _ in
                let waiters = self.state.withLockedValue { $0.waiters.removeValue(forKey: key) } ?? [:]
                for onClose in waiters.values { onClose() }
            }
        }
        return Registration(connection: key, id: id)
    }

    func unregister(_ registration: Registration) {
        state.withLockedValue { state in
            // Leaves an empty entry while the connection is open: its close callback stays attached.
            _ = state.waiters[registration.connection]?.removeValue(forKey: registration.id)
        }
    }

    /// Connections watched now; for tests.
    var watchedConnections: Int { state.withLockedValue { $0.waiters.count } }
}
