import Plot
import Vapor

/// One endpoint: its settings, the delivery log (latest first, each with its attempts), replay, test and secret rotation.
enum WebhookEndpointPage {
    struct Model {
        var viewer: DashboardViewer
        var endpoint: WebhookEndpointDTO
        var deliveries: CursorPage<EventDeliveryDTO>
        var flash: Flash?
        /// The secret just rotated to: the only time it is on a page.
        var newSecret: String?
    }

    enum Query {
        static func load(_ req: Request, flash: Flash?, newSecret: String? = nil) async throws -> Model {
            let viewer = try req.viewer
            let id = try req.uuid("endpointID")
            let workspaceID = viewer.principal.workspaceID
            let endpoint = try await req.webhookEndpoints.get(id, workspaceID: workspaceID, on: req.db)
            let cursor = try? req.query.get(String.self, at: "cursor")
            let deliveries = try await req.webhookEndpoints.deliveries(of: id, EventPageQuery(limit: 50, cursor: flash == nil ? cursor : nil),
                                                                       workspaceID: workspaceID, on: req.db)
            return Model(viewer: viewer, endpoint: endpoint, deliveries: deliveries, flash: flash, newSecret: newSecret)
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            let canWrite = model.viewer.principal.has(.write)
            let endpoint = model.endpoint
            let base = "/dashboard/webhooks/\(endpoint.id.uuidString)"
            return Layout.page(title: "Webhook endpoint", viewer: model.viewer, active: "webhooks", flash: model.flash,
                .p(.a(.href("/dashboard/webhooks"), .text("← All endpoints"))),
                .div(.class("card"), .id("endpoint"),
                     .p(.code(.text(endpoint.url)), .text(" "),
                        endpoint.isActive ? .span(.class("badge default"), .text("Active")) : .span(.class("badge inactive"), .text("Inactive"))),
                     .p(.text("Events: " + endpoint.eventKinds.joined(separator: ", ")), .text(" · secret ends in " + endpoint.secretLast4)),
                     .if(canWrite && endpoint.isActive, .form(.class("inline"), .method(.post), .action(base + "/test"), Layout.csrf(model.viewer),
                                                              .button(.type(.submit), .text("Send test event")))),
                     .if(canWrite, .form(.class("inline"), .method(.post), .action(base + "/rotate-secret"), Layout.csrf(model.viewer),
                                         .button(.type(.submit), .text("Rotate secret"))))),
                .if(model.newSecret != nil, .div(.class("card"), .id("new-secret"),
                    .p(.text("New signing secret. Copy it now; it will not be shown again. The next attempt is signed with it.")),
                    .code(.class("secret"), .text(model.newSecret ?? "")))),
                .h2(.text("Deliveries")),
                model.deliveries.items.isEmpty
                    ? .div(.class("card empty"), .id("empty-state"), .p(.text("Nothing delivered yet.")))
                    : log(model, base: base, canWrite: canWrite && endpoint.isActive),
                .if(model.deliveries.nextCursor != nil,
                    .p(.a(.id("next-page"), .href("\(base)?cursor=\(model.deliveries.nextCursor ?? "")"), .text("Older deliveries →"))))
            )
        }

        static func log(_ model: Model, base: String, canWrite: Bool) -> Node<HTML.BodyContext> {
            .table(.id("deliveries"),
                .thead(.tr(.th(.text("Created")), .th(.text("Event")), .th(.text("State")), .th(.text("Attempts")), .th(.text("Last result")), .th(.text("")))),
                .tbody(.forEach(model.deliveries.items) { delivery in
                    .tr(.data(named: "delivery-id", value: delivery.id.uuidString),
                        .td(.text(DashboardFormat.time(delivery.createdAt))),
                        .td(.code(.text(delivery.eventType))),
                        .td(.span(.class("badge \(badgeClass(delivery.state))"), .text(delivery.state.rawValue)),
                            .if(delivery.nextAttemptAt != nil, .span(.class("muted"), .text(" next " + (delivery.nextAttemptAt.map(DashboardFormat.time) ?? ""))))),
                        .td(attempts(delivery)),
                        .td(.text(result(statusCode: delivery.lastStatusCode, error: delivery.lastError))),
                        .td(.if(canWrite, .form(.class("inline"), .method(.post), .action("\(base)/deliveries/\(delivery.id.uuidString)/replay"),
                                                Layout.csrf(model.viewer), .button(.type(.submit), .text("Replay"))))))
                })
            )
        }

        static func attempts(_ delivery: EventDeliveryDTO) -> Node<HTML.BodyContext> {
            guard !delivery.attempts.isEmpty else { return .text("0") }
            return .element(named: "details", nodes: [
                .element(named: "summary", text: String(delivery.attemptCount)),
                .ol(.forEach(delivery.attempts) { attempt in
                    .li(.text("\(DashboardFormat.time(attempt.attemptedAt)): \(result(statusCode: attempt.statusCode, error: attempt.error)) (\(attempt.durationMs) ms)"))
                }),
            ])
        }

        static func result(statusCode: Int?, error: String?) -> String {
            [statusCode.map { "HTTP \($0)" }, error].compactMap { $0 }.joined(separator: " · ")
        }

        static func badgeClass(_ state: EventDeliveryState) -> String {
            switch state {
            case .delivered: "default"
            case .pending: "unverified"
            case .failed: "inactive"
            }
        }
    }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req, flash: Flash.notice(req))).response()
    }

    static func sendTest(_ req: Request) async throws -> Response {
        try await action(req, notice: "Test event queued.") {
            _ = try await req.webhookEndpoints.sendTest(try req.uuid("endpointID"), context: try req.auditContext, writer: req.transactor)
        }
    }

    static func replay(_ req: Request) async throws -> Response {
        try await action(req, notice: "Delivery queued again.") {
            _ = try await req.webhookEndpoints.replay(try req.uuid("deliveryID"), endpointID: try req.uuid("endpointID"),
                                                      context: try req.auditContext, writer: req.transactor)
        }
    }

    static func rotateSecret(_ req: Request) async throws -> Response {
        do {
            let rotated = try await req.webhookEndpoints.rotateSecret(try req.uuid("endpointID"), context: try req.auditContext, writer: req.transactor)
            return View.render(try await Query.load(req, flash: Flash(kind: .notice, message: "Secret rotated."), newSecret: rotated.secret)).response()
        } catch let problem as Problem {
            return View.render(try await Query.load(req, flash: .from(problem))).response(status: problem.httpStatus)
        }
    }

    private static func action(_ req: Request, notice: String, _ work: () async throws -> Void) async throws -> Response {
        try await FormAction.run(req, back: "/dashboard/webhooks/\(try req.uuid("endpointID").uuidString)", notice: notice, work) { flash, status in
            View.render(try await Query.load(req, flash: flash)).response(status: status)
        }
    }
}
