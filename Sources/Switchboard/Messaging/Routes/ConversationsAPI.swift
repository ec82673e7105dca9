import Fluent
import Vapor

/// `/api/v1/conversations`: the inbox.
struct ConversationsAPI {
    func register(on api: RoutesBuilder) {
        let conversations = api.grouped("conversations")
        conversations.api(.GET, operation: .init(
            "listConversations", "Conversations of the workspace, newest activity first: status, unread and search filters, cursor pages",
            permission: .read,
            query: [.param("status", .enumeration(ConversationStatus.allCases.map(\.rawValue)), "Only this status (default: all)"),
                    .param("unread", .boolean, "true: only with unread messages; false: only without"),
                    .param("search", .string(max: 200), "Case-insensitive, in the contact's name, number and user id"),
                    .param("limit", .integer(min: 1, max: 100), "Page size, 1 to 100 (default 20)"),
                    .param("cursor", .string(max: 2048), "The nextCursor of the previous page")],
            response: "ConversationPage"), use: list)
        conversations.api(.GET, ":conversationID", operation: .init(
            "getConversation", "One conversation", permission: .read, response: "Conversation", errors: [404]), use: get)
        conversations.api(.GET, ":conversationID", "messages", operation: .init(
            "listMessages", "Messages of a conversation, newest first, cursor pages", permission: .read,
            query: [.param("limit", .integer(min: 1, max: 100), "Page size, 1 to 100 (default 20)"),
                    .param("cursor", .string(max: 2048), "The nextCursor of the previous page")],
            response: "MessagePage", errors: [404]), use: messages)
        for action in [ConversationService.Action.read, .archive, .block, .reopen] {
            conversations.api(.POST, ":conversationID", .constant(action.rawValue), operation: .init(
                "\(action.rawValue)Conversation", summary(action), permission: .message, response: "Conversation", errors: [404])) { req in
                try await req.conversations.apply(action, to: try req.uuid("conversationID"), context: try req.auditContext, writer: req.transactor)
            }
        }
    }

    private func summary(_ action: ConversationService.Action) -> String {
        switch action {
        case .read: "Mark every message of the conversation read (unread count 0)"
        case .archive: "Archive the conversation; a new inbound message keeps it archived"
        case .block: "Block the conversation; inbound messages are still stored"
        case .reopen: "Reopen an archived or blocked conversation: back in the inbox, and replies allowed again"
        }
    }

    func list(_ req: Request) async throws -> CursorPage<ConversationDTO> {
        try await req.conversations.list(try req.query.decode(ConversationListQuery.self), workspaceID: try req.principal.workspaceID, on: req.db)
    }

    func get(_ req: Request) async throws -> ConversationDTO {
        try await req.conversations.get(try req.uuid("conversationID"), workspaceID: try req.principal.workspaceID, on: req.db)
    }

    func messages(_ req: Request) async throws -> CursorPage<MessageDTO> {
        try await req.conversations.messages(try req.uuid("conversationID"), try req.query.decode(MessageListQuery.self),
                                             workspaceID: try req.principal.workspaceID, on: req.db)
    }
}

extension Request {
    var conversations: ConversationService { ConversationService(clock: clock) }
}
