import Fluent
import FluentSQL
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

    /// The page's rows plus one, which only tells whether there is more.
    func rows(workspaceID: UUID, on db: Database) async throws -> [WhatsAppAccount] {
        let limit = try PageLimit.parse(limit)
        if let search, search.count > 200 { throw Problem.validation([FieldError("search", "must be at most 200 characters")]) }
        let builder = WhatsAppAccount.query(on: db).filter(\.$workspaceID == workspaceID).filter(\.$isActive == (isActive ?? true))
        if let needle = search?.trimmingCharacters(in: .whitespaces).lowercased(), !needle.isEmpty {
            // A plain substring test, so '%' and '_' in a search are just characters.
            let function = db.isPostgres ? "strpos" : "instr"
            builder.filter(.sql(SQLBinaryExpression(SQLFunction(function, args: SQLColumn("search_text"), SQLBind(needle)),
                                                    .greaterThan, SQLLiteral.numeric("0"))))
        }
        let descending = order == .desc
        if let raw = cursor {
            let cursor = try PageCursor.decode(raw)
            switch field {
            case .createdAt: builder.after(\.$createdAt, try cursor.time(), id: cursor.id, descending: descending)
            case .name: builder.after(\.$nameKey, cursor.key, id: cursor.id, descending: descending)
            }
        }
        let direction: DatabaseQuery.Sort.Direction = descending ? .descending : .ascending
        switch field {
        case .createdAt: builder.sort(\.$createdAt, direction)
        case .name: builder.sort(\.$nameKey, direction)
        }
        return try await builder.sort(\.$id, direction).limit(limit + 1).all()
    }

    func cursor(for account: WhatsAppAccount) -> PageCursor {
        switch field {
        case .createdAt: PageCursor(time: account.createdAt, id: account.id ?? UUID())
        case .name: PageCursor(key: account.nameKey, id: account.id ?? UUID())
        }
    }
}
