import Plot
import Vapor

/// The webhooks page: the workspace's endpoints, a form to add one (its secret shown once), activate and deactivate.
enum WebhooksPage {
    struct Model {
        var viewer: DashboardViewer
        var page: CursorPage<WebhookEndpointDTO>
        var flash: Flash?
        /// The endpoint just created, with its secret: the only time the secret is on a page.
        var created: WebhookEndpointWithSecretDTO?
        /// What the form held when it came back with errors (never the secret).
        var draft: CreateForm?
    }

    enum Query {
        static func load(_ req: Request, flash: Flash?, created: WebhookEndpointWithSecretDTO? = nil, draft: CreateForm? = nil) async throws -> Model {
            let viewer = try req.viewer
            let cursor = try? req.query.get(String.self, at: "cursor")
            let page = try await req.webhookEndpoints.list(EventPageQuery(limit: 50, cursor: flash == nil ? cursor : nil),
                                                           workspaceID: viewer.principal.workspaceID, on: req.db)
            return Model(viewer: viewer, page: page, flash: flash, created: created, draft: draft)
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            let canWrite = model.viewer.principal.has(.write)
            return Layout.page(title: "Webhooks", viewer: model.viewer, active: "webhooks", flash: model.flash,
                .p(.class("muted"), .text("Switchboard posts your workspace's events to these URLs, signed with each endpoint's secret.")),
                .if(model.created != nil, .div(.class("card"), .id("new-secret"),
                    .p(.text("Endpoint created. Copy its signing secret now; it will not be shown again.")),
                    .code(.class("secret"), .text(model.created?.secret ?? "")))),
                model.page.items.isEmpty
                    ? .div(.class("card empty"), .id("empty-state"), .p(.text("No webhook endpoints yet.")))
                    : table(model, canWrite: canWrite),
                .if(model.page.nextCursor != nil,
                    .p(.a(.id("next-page"), .href("/dashboard/webhooks?cursor=\(model.page.nextCursor ?? "")"), .text("Next page →")))),
                .if(canWrite, newForm(model))
            )
        }

        static func table(_ model: Model, canWrite: Bool) -> Node<HTML.BodyContext> {
            .table(.id("endpoints"),
                .thead(.tr(.th(.text("URL")), .th(.text("Events")), .th(.text("Secret")), .th(.text("Status")), .th(.text("Updated")), .th(.text("")))),
                .tbody(.forEach(model.page.items) { endpoint in
                    let base = "/dashboard/webhooks/\(endpoint.id.uuidString)"
                    return .tr(.data(named: "endpoint-id", value: endpoint.id.uuidString),
                        .td(.a(.href(base), .code(.text(endpoint.url)))),
                        .td(.text(endpoint.eventKinds == [WebhookEndpointRules.wildcard] ? "all" : endpoint.eventKinds.joined(separator: ", "))),
                        .td(.text("…" + endpoint.secretLast4)),
                        .td(endpoint.isActive ? .span(.class("badge default"), .text("Active")) : .span(.class("badge inactive"), .text("Inactive"))),
                        .td(.text(DashboardFormat.time(endpoint.updatedAt))),
                        .td(.a(.href(base), .text("Deliveries")),
                            .if(canWrite, .form(.class("inline"), .method(.post), .action(base + (endpoint.isActive ? "/deactivate" : "/activate")),
                                                Layout.csrf(model.viewer), .button(.type(.submit), .text(endpoint.isActive ? "Deactivate" : "Activate"))))))
                })
            )
        }

        static func newForm(_ model: Model) -> Node<HTML.BodyContext> {
            let flash = model.draft == nil ? nil : model.flash
            let wanted = Set(model.draft?.kinds ?? [])
            return .div(.class("card"), .id("new-endpoint"),
                .h2(.text("Add an endpoint")),
                .form(.method(.post), .action("/dashboard/webhooks"), Layout.csrf(model.viewer),
                      FormField.input("URL", name: "url", type: .url, value: model.draft?.url, required: true, placeholder: "https://example.com/hooks", flash: flash),
                      FormField.checkbox("All events", name: "allKinds", checked: model.draft?.allKinds ?? true),
                      .forEach(CreateForm.kinds) { kind in FormField.checkbox(kind.rawValue, name: CreateForm.field(kind), checked: wanted.contains(kind.rawValue)) },
                      FormField.error("eventKinds", flash),
                      FormField.input("Secret (optional, at least 16 characters; generated when blank)", name: "secret", type: .password, flash: flash),
                      .button(.type(.submit), .text("Add endpoint"))))
        }
    }

    /// The form: a checkbox per event kind, since a plain form cannot send a JSON array.
    struct CreateForm: Decodable {
        static let kinds = EventKind.allCases.filter { $0 != .webhookTest }
        static func field(_ kind: EventKind) -> String { "kind_" + kind.rawValue.replacingOccurrences(of: ".", with: "_") }

        var url: String
        var allKinds: Bool
        var kinds: [String]
        var secret: String?

        init(from decoder: Decoder) throws {
            let form = try [String: String](from: decoder)
            url = form["url"] ?? ""
            allKinds = form["allKinds"] == "true"
            kinds = Self.kinds.filter { form[Self.field($0)] == "true" }.map(\.rawValue)
            secret = form["secret"].flatMap { $0.isEmpty ? nil : $0 }
        }

        var input: CreateWebhookEndpointInput {
            CreateWebhookEndpointInput(url: url.trimmingCharacters(in: .whitespaces), eventKinds: allKinds ? [WebhookEndpointRules.wildcard] : kinds, secret: secret)
        }
    }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req, flash: Flash.notice(req))).response()
    }

    static func create(_ req: Request) async throws -> Response {
        let form = try req.content.decode(CreateForm.self)
        do {
            let created = try await req.webhookEndpoints.create(form.input, context: try req.auditContext, writer: req.transactor)
            return View.render(try await Query.load(req, flash: Flash(kind: .notice, message: "Endpoint added."), created: created))
                .response(status: .created)
        } catch let problem as Problem {
            return View.render(try await Query.load(req, flash: .from(problem), draft: form)).response(status: problem.httpStatus)
        }
    }

    static func activate(_ req: Request) async throws -> Response {
        try await setActive(req, true, notice: "Endpoint activated.")
    }

    static func deactivate(_ req: Request) async throws -> Response {
        try await setActive(req, false, notice: "Endpoint deactivated; its pending deliveries were stopped.")
    }

    private static func setActive(_ req: Request, _ active: Bool, notice: String) async throws -> Response {
        try await FormAction.run(req, back: "/dashboard/webhooks", notice: notice, {
            _ = try await req.webhookEndpoints.update(try req.uuid("endpointID"), UpdateWebhookEndpointInput(isActive: active),
                                                      context: try req.auditContext, writer: req.transactor)
        }, failure: { flash, status in
            View.render(try await Query.load(req, flash: flash)).response(status: status)
        })
    }
}
