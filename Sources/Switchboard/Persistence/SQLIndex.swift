import Fluent
import SQLKit

extension Database {
    /// Creates a (possibly unique) index through SQLKit; the syntax is the same on SQLite and PostgreSQL.
    func createIndex(_ name: String, on table: String, _ columns: [String], unique: Bool = false) async throws {
        var builder = sql.create(index: name).on(table)
        if unique { builder = builder.unique() }
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }
}
