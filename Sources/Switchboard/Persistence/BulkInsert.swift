import SQLKit

/// Rows for multi-row INSERTs, split into statements that stay within the parameters one statement may bind
/// (32,766 on SQLite, 65,535 on PostgreSQL), so a batch of any size is a handful of statements.
struct BulkInsert {
    static let maxBindsPerStatement = 10_000

    let table: String
    let columns: [String]
    private(set) var rows: [[any SQLExpression]] = []

    init(into table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    mutating func add(_ values: [any Encodable & Sendable]) {
        precondition(values.count == columns.count, "\(table): \(values.count) values for \(columns.count) columns")
        rows.append(values.map { SQLBind($0) })
    }

    /// Runs the statements; `finish` adds what each needs (a conflict clause, RETURNING) and runs it, and the rows
    /// it returns are gathered.
    @discardableResult
    func run(on sql: any SQLDatabase,
             _ finish: (SQLInsertBuilder) async throws -> [any SQLRow] = { try await $0.run(); return [] }) async throws -> [any SQLRow] {
        var returned: [any SQLRow] = []
        for chunk in rows.chunks(of: max(1, Self.maxBindsPerStatement / columns.count)) {
            returned += try await finish(sql.insert(into: table).columns(columns).rows(Array(chunk)))
        }
        return returned
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements; none for an empty array.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
