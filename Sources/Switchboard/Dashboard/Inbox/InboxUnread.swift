import Fluent
import FluentSQL
import Foundation
import SQLKit

/// The number beside "Inbox" in the navigation: unread messages across the workspace's open conversations, the
/// ones the inbox shows first (archived and blocked conversations keep their counts out of sight).
enum InboxUnread {
    static func total(workspaceID: UUID, on db: Database) async throws -> Int {
        // SQL, not Fluent's `sum`: PostgreSQL sums a bigint column as numeric, which does not decode as Int.
        let row = try await db.sql.raw("""
            SELECT CAST(COALESCE(SUM(unread_count), 0) AS BIGINT) AS total FROM conversations
            WHERE workspace_id = \(bind: workspaceID) AND status = \(bind: ConversationStatus.open.rawValue) AND unread_count > 0
            """).first()
        return try row?.decode(column: "total", as: Int.self) ?? 0
    }
}
