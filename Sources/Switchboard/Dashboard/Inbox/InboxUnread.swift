import Fluent
import Foundation

/// The number beside "Inbox" in the navigation: unread messages across the workspace's open conversations, the
/// ones the inbox shows first (archived and blocked conversations keep their counts out of sight).
enum InboxUnread {
    static func total(workspaceID: UUID, on db: Database) async throws -> Int {
        try await Conversation.query(on: db).filter(\.$workspaceID == workspaceID).filter(\.$status == .open)
            .filter(\.$unreadCount > 0).sum(\.$unreadCount) ?? 0
    }
}
