import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver

/// Recognises a unique-constraint violation and tells which index it was, on both databases.
/// PostgreSQL names the constraint; SQLite names the columns, so each index is known by both.
struct UniqueIndex: Sendable {
    var name: String
    /// `table.column, table.column` as SQLite reports them.
    var sqliteColumns: String
}

enum UniqueViolation {
    /// The index among `indexes` that `error` violated, if `error` is a unique violation.
    static func index(of error: Error, among indexes: [UniqueIndex]) -> UniqueIndex? {
        if let postgres = error as? PSQLError, postgres.serverInfo?[.sqlState] == "23505",
           let constraint = postgres.serverInfo?[.constraintName] {
            return indexes.first { $0.name == constraint }
        }
        if let sqlite = error as? SQLiteError, sqlite.reason == .constraintUniqueFailed || sqlite.reason == .constraint {
            let message = sqlite.message
            guard let range = message.range(of: "UNIQUE constraint failed: ") else { return nil }
            let columns = String(message[range.upperBound...])
            return indexes.first { $0.sqliteColumns == columns }
        }
        return nil
    }
}
