import Plot
import Vapor

/// The inbox: the workspace's conversations, unread first and then by latest activity, searchable by the
/// contact's name or number, filtered by status, in cursor pages. Each row opens its thread.
enum InboxPage {
    struct Filter: Content {
        var q: String?
        var status: ConversationStatus?
        var cursor: String?
    }

    struct Model {
        var viewer: DashboardViewer
        var filter: Filter
        var page: UnreadFirstPage
        var accountNames: [UUID: String]
        var flash: Flash?
    }

    enum Query {
        static let pageSize = 25

        static func load(_ req: Request) async throws -> Model {
            let viewer = try req.viewer
            var filter = (try? req.query.decode(Filter.self)) ?? Filter()
            if filter.q?.trimmingCharacters(in: .whitespaces).isEmpty == true { filter.q = nil }
            var flash: Flash?
            let page: UnreadFirstPage
            do {
                page = try await list(req, filter, workspaceID: viewer.principal.workspaceID)
            } catch let problem as Problem {
                // A stale cursor or an overlong search: show the first page of everything instead, and say why.
                flash = .from(problem)
                filter.cursor = nil
                filter.q = nil
                page = try await list(req, filter, workspaceID: viewer.principal.workspaceID)
            }
            let names = try await AccountNames.of(page.items.map(\.accountId), on: req.db)
            return Model(viewer: viewer, filter: filter, page: page, accountNames: names, flash: flash)
        }

        private static func list(_ req: Request, _ filter: Filter, workspaceID: UUID) async throws -> UnreadFirstPage {
            try await UnreadFirstPage.load(ConversationListQuery(status: filter.status ?? .open, search: filter.q), cursor: filter.cursor,
                                           limit: pageSize, service: req.conversations, workspaceID: workspaceID, on: req.db)
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            Layout.page(title: "Inbox", viewer: model.viewer, active: "inbox", flash: model.flash,
                toolbar(model),
                model.page.items.isEmpty
                    ? .div(.class("card empty"), .id("empty-state"),
                           .p(.text(model.filter.q.map { "No conversation matches “\($0)”." } ?? "No conversations here yet.")))
                    : table(model),
                .if(model.page.nextCursor != nil, .p(.a(.id("next-page"), .href(link(model, cursor: model.page.nextCursor)), .text("Next page →")))),
                .if(model.filter.cursor != nil, .p(.a(.href(link(model, cursor: nil)), .text("← First page"))))
            )
        }

        static func toolbar(_ model: Model) -> Node<HTML.BodyContext> {
            .form(.method(.get), .action("/dashboard/inbox"), .class("toolbar card"), .id("inbox-filters"),
                  .label(.text("Search"), .input(.type(.search), .name("q"), .id("inbox-search"), .value((model.filter.q ?? "").attributeEscaped),
                                                 .placeholder("contact name or number"))),
                  .label(.text("Show"), FormField.select(name: "status", options: ConversationStatus.allCases.map { ($0.rawValue, $0.rawValue.capitalized) },
                                                         selected: (model.filter.status ?? .open).rawValue)),
                  .button(.type(.submit), .text("Apply")))
        }

        static func table(_ model: Model) -> Node<HTML.BodyContext> {
            .table(.id("conversations"),
                .thead(.tr(.th(.text("Contact")), .th(.text("Account")), .th(.text("Last activity")), .th(.text("Window")))),
                .tbody(.forEach(model.page.items) { conversation in
                    .tr(.class(conversation.unreadCount > 0 ? "unread" : ""), .data(named: "conversation-id", value: conversation.id.uuidString),
                        .td(.a(.href("/dashboard/inbox/\(conversation.id.uuidString)"), .text(ConversationLabels.name(conversation.contact))),
                            .if(conversation.unreadCount > 0,
                                .span(.class("badge unread"), .title("Unread messages"), .text(String(conversation.unreadCount)))),
                            .br(), .small(.class("muted"), .text(ConversationLabels.number(conversation.contact)))),
                        .td(.text(model.accountNames[conversation.accountId] ?? "—")),
                        .td(.text(DashboardFormat.time(conversation.lastMessageAt))),
                        .td(ConversationLabels.window(conversation), ConversationLabels.status(conversation)))
                })
            )
        }

        static func link(_ model: Model, cursor: String?) -> String {
            var components = URLComponents()
            components.path = "/dashboard/inbox"
            var items: [URLQueryItem] = []
            if let q = model.filter.q { items.append(.init(name: "q", value: q)) }
            items.append(.init(name: "status", value: (model.filter.status ?? .open).rawValue))
            if let cursor { items.append(.init(name: "cursor", value: cursor)) }
            components.queryItems = items
            return components.string ?? "/dashboard/inbox"
        }
    }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req)).response()
    }
}
