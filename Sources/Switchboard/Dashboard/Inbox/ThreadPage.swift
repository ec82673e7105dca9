import Plot
import Vapor

/// One conversation: its messages oldest to newest (paged back), archive, block and reopen, and the reply box.
/// Opening it marks it read.
enum ThreadPage {
    struct Model {
        var viewer: DashboardViewer
        var conversation: ConversationDTO
        /// Oldest first, as a thread reads.
        var messages: [MessageDTO]
        var accountNames: [UUID: String]
        var olderCursor: String?
        var isOlderPage: Bool
        var reply: ReplyBox.Model
        var flash: Flash?
    }

    enum Query {
        static let pageSize = 30

        /// `markRead` on the page view only: a form that comes back with an error changes nothing.
        static func load(_ req: Request, markRead: Bool, flash: Flash?, draft: ReplyBox.Form? = nil) async throws -> Model {
            var viewer = try req.viewer
            let id = try req.uuid("conversationID")
            let workspaceID = viewer.principal.workspaceID
            var conversation = try await req.conversations.get(id, workspaceID: workspaceID, on: req.db)
            if markRead, conversation.unreadCount > 0, viewer.principal.has(.message) {
                conversation = try await req.conversations.apply(.read, to: id, context: try req.auditContext, writer: req.transactor)
                viewer.unreadCount = try await InboxUnread.total(workspaceID: workspaceID, on: req.db)
            }
            var flash = flash
            var cursor = try? req.query.get(String.self, at: "cursor")
            let page: CursorPage<MessageDTO>
            do {
                page = try await messages(req, id, cursor: cursor, workspaceID: workspaceID)
            } catch let problem as Problem {
                flash = flash ?? .from(problem)
                cursor = nil
                page = try await messages(req, id, cursor: nil, workspaceID: workspaceID)
            }
            let names = try await AccountNames.of([conversation.accountId] + page.items.map(\.accountId), on: req.db)
            let quoted = draft?.replyTo ?? (try? req.query.get(String.self, at: "replyTo"))
            let reply = ReplyBox.Model(idempotencyKey: "dashboard-" + req.switchboard.clients.random.token(18), draft: draft,
                                       quoted: page.items.first { $0.id.uuidString == quoted && $0.wamid != nil })
            return Model(viewer: viewer, conversation: conversation, messages: page.items.reversed(), accountNames: names,
                         olderCursor: page.nextCursor, isOlderPage: cursor != nil, reply: reply, flash: flash)
        }

        private static func messages(_ req: Request, _ id: UUID, cursor: String?, workspaceID: UUID) async throws -> CursorPage<MessageDTO> {
            try await req.conversations.messages(id, MessageListQuery(limit: pageSize, cursor: cursor), workspaceID: workspaceID, on: req.db)
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            let conversation = model.conversation
            let base = path(conversation.id)
            return Layout.page(title: ConversationLabels.name(conversation.contact), viewer: model.viewer, active: "inbox", flash: model.flash,
                .div(.class("card toolbar"), .id("thread-head"),
                     .a(.href("/dashboard/inbox"), .text("← Inbox")),
                     .span(.text(ConversationLabels.number(conversation.contact))),
                     .span(.class("muted"), .text("on " + (model.accountNames[conversation.accountId] ?? "an account no longer available"))),
                     ConversationLabels.window(conversation), ConversationLabels.status(conversation),
                     .if(model.viewer.principal.has(.message), actions(model, base: base))),
                .if(model.olderCursor != nil, .p(.a(.id("older-messages"), .href("\(base)?cursor=\(model.olderCursor ?? "")"), .text("← Older messages")))),
                model.messages.isEmpty
                    ? .div(.class("card empty"), .p(.text("No messages yet.")))
                    : .div(.class("card thread"), .id("thread"), .forEach(model.messages) { message in
                        MessageBubble.render(message, accountName: model.accountNames[message.accountId] ?? "—",
                                             quoteLink: ReplyBox.quotable(message, model) ? "\(base)?replyTo=\(message.id.uuidString)#reply" : nil)
                    }),
                .if(model.isOlderPage, .p(.a(.href(base), .text("Newest messages →")))),
                ReplyBox.render(model, base: base),
                .script(.raw(scrollScript))
            )
        }

        static func actions(_ model: Model, base: String) -> Node<HTML.BodyContext> {
            let status = model.conversation.status
            return .group(
                .if(status == .open, .form(.class("inline"), .method(.post), .action(base + "/archive"), Layout.csrf(model.viewer),
                                           .button(.type(.submit), .text("Archive")))),
                .if(status != .blocked, .form(.class("inline"), .method(.post), .action(base + "/block"), Layout.csrf(model.viewer),
                                              .attribute(named: "onsubmit", value: "return confirm('Block this contact? Nothing can be sent to them afterwards.')"),
                                              .button(.type(.submit), .text("Block")))),
                .if(status != .open, .form(.class("inline"), .method(.post), .action(base + "/reopen"), Layout.csrf(model.viewer),
                                           .button(.type(.submit), .text(status == .blocked ? "Unblock" : "Move to inbox"))))
            )
        }

        /// Shows the newest message: the thread scrolls inside its card.
        static let scrollScript = "(function(){var t=document.getElementById('thread');if(t){t.scrollTop=t.scrollHeight}})();"
    }

    static func path(_ id: UUID) -> String { "/dashboard/inbox/\(id.uuidString)" }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req, markRead: true, flash: Flash.notice(req))).response()
    }

    static func archive(_ req: Request) async throws -> Response {
        try await act(.archive, req, notice: "Conversation archived.")
    }

    static func block(_ req: Request) async throws -> Response {
        try await act(.block, req, notice: "Conversation blocked.")
    }

    static func reopen(_ req: Request) async throws -> Response {
        try await act(.reopen, req, notice: "Conversation reopened.")
    }

    private static func act(_ action: ConversationService.Action, _ req: Request, notice: String) async throws -> Response {
        let id = try req.uuid("conversationID")
        return try await FormAction.run(req, back: path(id), notice: notice, {
            _ = try await req.conversations.apply(action, to: id, context: try req.auditContext, writer: req.transactor)
        }, failure: showAgain(req))
    }

    /// A form that failed: the thread again with the error, and what was typed kept.
    static func showAgain(_ req: Request, draft: ReplyBox.Form? = nil) -> (Flash, HTTPResponseStatus) async throws -> Response {
        { flash, status in View.render(try await Query.load(req, markRead: false, flash: flash, draft: draft)).response(status: status) }
    }
}
