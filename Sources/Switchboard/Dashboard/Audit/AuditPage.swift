import Plot
import Vapor

/// The audit log page: newest first, filtered by action, actor and target type, paged by cursor.
enum AuditPage {
    struct Model {
        var viewer: DashboardViewer
        var filter: AuditQuery
        var page: CursorPage<AuditEventDTO>
        var flash: Flash?
    }

    enum Query {
        static func load(_ req: Request) async throws -> Model {
            let viewer = try req.viewer
            var filter = try req.query.decode(AuditQuery.self)
            for keyPath in [\AuditQuery.action, \.actor, \.targetType, \.targetId] where filter[keyPath: keyPath]?.isEmpty == true {
                filter[keyPath: keyPath] = nil
            }
            do {
                let page = try await AuditQuery.Run(query: filter, workspaceID: viewer.principal.workspaceID).page(on: req.db)
                return Model(viewer: viewer, filter: filter, page: page, flash: nil)
            } catch let problem as Problem {
                filter.cursor = nil
                let page = try await AuditQuery.Run(query: filter, workspaceID: viewer.principal.workspaceID).page(on: req.db)
                return Model(viewer: viewer, filter: filter, page: page, flash: .from(problem))
            }
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            Layout.page(title: "Audit log", viewer: model.viewer, active: "audit", flash: model.flash,
                .form(.method(.get), .action("/dashboard/audit"), .class("card"),
                      .label(.text("Action"), .input(.type(.text), .name("action"), .value((model.filter.action ?? "").attributeEscaped), .placeholder("member.added"))),
                      .label(.text("Actor"), .input(.type(.text), .name("actor"), .value((model.filter.actor ?? "").attributeEscaped), .placeholder("email or key name"))),
                      .label(.text("Target type"), .input(.type(.text), .name("targetType"), .value((model.filter.targetType ?? "").attributeEscaped))),
                      .button(.type(.submit), .text("Filter"))),
                .if(model.page.items.isEmpty, .p(.class("muted"), .text("No events match."))),
                .table(
                    .thead(.tr(.th(.text("When")), .th(.text("Actor")), .th(.text("Action")), .th(.text("Target")), .th(.text("Change")))),
                    .tbody(.forEach(model.page.items) { event in
                        .tr(.td(.text(DashboardFormat.time(event.createdAt))), .td(.text(event.actorLabel)),
                            .td(.code(.text(event.action))), .td(.text("\(event.targetType) \(event.targetId ?? "")")),
                            .td(.small(.class("muted"), .text([event.before.map { "before \($0)" }, event.after.map { "after \($0)" }]
                                .compactMap { $0 }.joined(separator: " · ")))))
                    })
                ),
                .if(model.page.nextCursor != nil, .p(.a(.href(nextLink(model)), .text("Older events →"))))
            )
        }

        static func nextLink(_ model: Model) -> String {
            var components = URLComponents()
            components.path = "/dashboard/audit"
            var items: [URLQueryItem] = [URLQueryItem(name: "cursor", value: model.page.nextCursor)]
            if let action = model.filter.action { items.append(.init(name: "action", value: action)) }
            if let actor = model.filter.actor { items.append(.init(name: "actor", value: actor)) }
            if let targetType = model.filter.targetType { items.append(.init(name: "targetType", value: targetType)) }
            components.queryItems = items
            return components.string ?? "/dashboard/audit"
        }
    }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req)).response()
    }
}
