import Fluent
import SQLKit
@testable import Switchboard
import Testing
import Vapor

@Suite("Database tuning")
struct DatabaseTuningTests {
    @Test("every SQLite connection syncs at checkpoints only (synchronous=NORMAL)")
    func pragmas() async throws {
        try await withTestApp { app in
            guard !app.db.isPostgres else { return }
            for eventLoop in app.eventLoopGroup.makeIterator() {
                let db = try #require(app.databases.database(logger: app.logger, on: eventLoop))
                let row = try #require(try await db.sql.raw("PRAGMA synchronous").first())
                #expect(try row.decode(column: "synchronous", as: Int.self) == 1)
            }
        }
    }
}
