import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresKit
import SQLKit
@testable import Switchboard
import Testing
import Vapor

/// PostgreSQL ending the backend of a connection that a transaction holds (as a restart does).
/// With Fluent's own `transaction`, postgres-nio 1.33 drops the statement sent after the close (the ROLLBACK, or
/// the next statement) and the transaction waits forever, holding its pooled connection.
@Suite("PostgreSQL connection loss", .enabled(if: ProcessInfo.processInfo.environment["DATABASE_URL"] != nil))
struct PostgresConnectionLossTests {
    private struct Backend: Decodable { let pid: Int32 }

    @Test("a transaction whose backend is terminated mid-statement fails, and every pool slot comes back")
    func terminatedMidStatement() async throws {
        try await withTestApp { app in
            // More rounds than the app has pool slots (2 per loop), so a slot lost per round would show.
            for round in 1...6 {
                let outcome = await within(seconds: 15) {
                    try await app.transactor { db in
                        let pid = try await db.sql.raw("SELECT pg_backend_pid() AS pid").first(decoding: Backend.self)!.pid
                        Task {
                            try await Task.sleep(for: .milliseconds(200))
                            try await terminate(pid)
                        }
                        try await db.sql.raw("SELECT pg_sleep(10)").run()
                    }
                }
                #expect(outcome == .failed, "round \(round)")
            }
            #expect(await within(seconds: 15) { try await selectOneOnEveryLoop(app) } == .done)
        }
    }

    @Test("a statement sent after the backend was terminated between statements fails instead of hanging")
    func terminatedBetweenStatements() async throws {
        try await withTestApp { app in
            for round in 1...6 {
                let outcome = await within(seconds: 15) {
                    try await app.transactor { db in
                        let pid = try await db.sql.raw("SELECT pg_backend_pid() AS pid").first(decoding: Backend.self)!.pid
                        try await terminate(pid)
                        // Let the client see the close and tear the channel down, as it has by the next statement
                        // when the server goes away during the work between two statements.
                        try await Task.sleep(for: .milliseconds(300))
                        try await db.sql.raw("SELECT 1").run()
                    }
                }
                #expect(outcome == .failed, "round \(round)")
            }
            #expect(await within(seconds: 15) { try await selectOneOnEveryLoop(app) } == .done)
        }
    }

    @Test("the close watch keeps one entry per open connection, not one per transaction")
    func closeWatchDoesNotGrow() async throws {
        try await withTestApp { app in
            for _ in 1...50 {
                try await app.transactor { db in try await db.sql.raw("SELECT 1").run() }
            }
            // 2 event loops x at most 2 connections in the test app's pools; other tests' apps may add theirs.
            #expect(ConnectionCloseWatch.shared.watchedConnections < 50)
        }
    }

    // MARK: - Helpers
    // No `.timeLimit`: it would count the wait for TestGate in a full run. `within` bounds every round instead.

    private enum Outcome: Equatable { case done, failed, hung }

    /// Runs `work`, giving up after `seconds` (the hung task is left behind: nothing can end it).
    private func within(seconds: Double, _ work: @escaping @Sendable () async throws -> Void) async -> Outcome {
        let result = NIOLockedValueBox<Outcome?>(nil)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            @Sendable func finish(_ outcome: Outcome) {
                let first = result.withLockedValue { value -> Bool in
                    guard value == nil else { return false }
                    value = outcome
                    return true
                }
                if first { continuation.resume(returning: outcome) }
            }
            Task {
                do { try await work(); finish(.done) } catch { finish(.failed) }
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                finish(.hung)
            }
        }
    }

    /// `pg_terminate_backend` from a connection of its own, outside the app's pools.
    private func terminate(_ pid: Int32) async throws {
        let url = try #require(ProcessInfo.processInfo.environment["DATABASE_URL"])
        let logger = Logger(label: "test.terminate")
        let connection = try await PostgresConnection.connect(
            configuration: try SQLPostgresConfiguration(url: url).coreConfiguration, id: 99, logger: logger)
        defer { Task { try? await connection.close() } }
        try await connection.query("SELECT pg_terminate_backend(\(pid))", logger: logger)
    }

    /// A transaction on each event loop's pool, several times over, so a pool whose slots leaked would time out.
    private func selectOneOnEveryLoop(_ app: Application) async throws {
        for _ in 0..<4 {
            for loop in app.eventLoopGroup.makeIterator() {
                let db = app.databases.database(logger: app.logger, on: loop)!
                let transactor = Transactor(db: db, gate: nil)
                try await transactor { db in try await db.sql.raw("SELECT 1").run() }
            }
        }
    }
}
