import Fluent
import Foundation

/// One page of the inbox order: conversations with unread messages first, then the others, each half newest
/// activity first. The service pages each half by keyset; this page's cursor says which half it stopped in
/// (`u.` or `r.`) followed by the service's cursor there, so paging stays stable across the seam.
struct UnreadFirstPage {
    var items: [ConversationDTO]
    var nextCursor: String?

    static func load(_ filter: ConversationListQuery, cursor: String?, limit: Int, service: ConversationService,
                     workspaceID: UUID, on db: Database) async throws -> UnreadFirstPage {
        var (unread, inner) = try position(cursor)
        var items: [ConversationDTO] = []
        while true {
            let wanted = limit - items.count
            var query = filter
            query.unread = unread
            query.cursor = inner
            query.limit = max(wanted, 1)
            let page = try await service.list(query, workspaceID: workspaceID, on: db)
            if wanted == 0 {
                // The unread half ended exactly at the page size: a one-row peek tells whether a next page exists.
                return UnreadFirstPage(items: items, nextCursor: page.items.isEmpty ? nil : "r.")
            }
            items += page.items
            if let next = page.nextCursor { return UnreadFirstPage(items: items, nextCursor: (unread ? "u." : "r.") + next) }
            guard unread else { return UnreadFirstPage(items: items, nextCursor: nil) }
            (unread, inner) = (false, nil)
        }
    }

    /// Which half a cursor is in and the service's cursor within it; no cursor is the start of the unread half.
    private static func position(_ cursor: String?) throws(Problem) -> (unread: Bool, inner: String?) {
        guard let cursor else { return (true, nil) }
        let inner = cursor.dropFirst(2).isEmpty ? nil : String(cursor.dropFirst(2))
        switch cursor.prefix(2) {
        case "u.": return (true, inner)
        case "r.": return (false, inner)
        default: throw Problem.validation([FieldError("cursor", "is not a cursor this page made")])
        }
    }
}
