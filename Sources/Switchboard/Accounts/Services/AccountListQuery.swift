import Fluent
import Foundation
import SQLKit
import Vapor

/// The account list's query: search, active filter, sort, and keyset paging by (sort key, id).
public struct AccountListQuery: Content {
    public enum SortField: String, Codable, Sendable { case createdAt, name }
    public enum SortOrder: String, Codable, Sendable { case asc, desc }

    public var search: String?
    public var isActive: Bool?
    public var sortField: SortField?
    public var sortOrder: SortOrder?
    public var limit: Int?
    public var cursor: String?

    public init(search: String? = nil, isActive: Bool? = nil, sortField: SortField? = nil, sortOrder: SortOrder? = nil,
                limit: Int? = nil, cursor: String? = nil) {
        self.search = search
        self.isActive = isActive
        self.sortField = sortField
        self.sortOrder = sortOrder
        self.limit = limit
        self.cursor = cursor
    }

    var field: SortField { sortField ?? .createdAt }
    var order: SortOrder { sortOrder ?? .desc }

    /// The page's rows plus one, which only tells whether there is more: one indexed query, keyset-paged.
    func rows(workspaceID: UUID, on db: Database) async throws -> [AccountRow] {
        let limit = try PageLimit.parse(limit)
        if let search, search.count > 200 { throw Problem.validation([FieldError("search", "must be at most 200 characters")]) }
        let select = AccountRow.select(on: db)
            .where(SQLColumn("workspace_id", table: "a"), .equal, SQLBind(workspaceID))
            .where(SQLColumn("is_active", table: "a"), .equal, SQLBind(isActive ?? true))
        if let needle = search?.trimmingCharacters(in: .whitespaces).lowercased(), !needle.isEmpty {
            // A plain substring test, so '%' and '_' in a search are just characters.
            let function = db.isPostgres ? "strpos" : "instr"
            select.where(SQLFunction(function, args: SQLColumn("search_text", table: "a"), SQLBind(needle)), .greaterThan, SQLLiteral.numeric("0"))
        }
        let descending = order == .desc
        let key = SQLColumn(field == .createdAt ? "created_at" : "name_key", table: "a")
        let id = SQLColumn("id", table: "a")
        if let raw = cursor {
            let cursor = try PageCursor.decode(raw)
            let value: any SQLExpression = field == .createdAt ? SQLBind(try cursor.time()) : SQLBind(cursor.key)
            // A row-value comparison, (key, id) < (k, i): both engines walk the index from there.
            select.where(SQLGroupExpression([key, id]), descending ? .lessThan : .greaterThan,
                         SQLGroupExpression([value, SQLBind(cursor.id)]))
        }
        let direction: SQLDirection = descending ? .descending : .ascending
        return try await select.orderBy(key, direction).orderBy(id, direction).limit(limit + 1).all()
            .map { try $0.decode(model: AccountRow.self) }
    }

    func cursor(for row: AccountRow) -> PageCursor {
        switch field {
        case .createdAt: PageCursor(time: row.createdAt, id: row.id)
        case .name: PageCursor(key: row.nameKey, id: row.id)
        }
    }
}
