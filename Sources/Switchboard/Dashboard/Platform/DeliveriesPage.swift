import Fluent
import Plot
import Vapor

/// Platform admins: the latest Meta webhook deliveries, and the changes for numbers no account owns.
/// Deliveries belong to the installation, not to a workspace, so only platform admins see them.
enum DeliveriesPage {
    struct Row {
        var receivedAt: Date
        var signature: String
        var changes: Int
        var parseError: String?
    }

    struct Unrouted {
        var receivedAt: Date
        var phoneNumberID: String
        var field: String
    }

    struct Model {
        var viewer: DashboardViewer
        var deliveries: [Row]
        var unrouted: [Unrouted]
    }

    enum Query {
        static func load(_ req: Request) async throws -> Model {
            let deliveries = try await WebhookDelivery.query(on: req.db).sort(\.$receivedAt, .descending).limit(50).all()
            let unrouted = try await UnroutedChange.query(on: req.db).sort(\.$receivedAt, .descending).limit(50).all()
            return Model(viewer: try req.viewer,
                         deliveries: deliveries.map { Row(receivedAt: $0.receivedAt, signature: $0.signatureStatus, changes: $0.changeCount, parseError: $0.parseError) },
                         unrouted: unrouted.map { Unrouted(receivedAt: $0.receivedAt, phoneNumberID: $0.phoneNumberID ?? $0.businessAccountID ?? "—", field: $0.field) })
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            Layout.page(title: "Webhook deliveries", viewer: model.viewer, active: "deliveries", flash: nil,
                .h2(.text("Changes for numbers no account owns")),
                .if(model.unrouted.isEmpty, .p(.class("muted"), .text("None."))),
                .table(.id("unrouted"),
                    .thead(.tr(.th(.text("Received")), .th(.text("Phone number id")), .th(.text("Field")))),
                    .tbody(.forEach(model.unrouted) { change in
                        .tr(.td(.text(DashboardFormat.time(change.receivedAt))), .td(.code(.text(change.phoneNumberID))), .td(.text(change.field)))
                    })),
                .h2(.text("Latest deliveries")),
                .table(.id("deliveries"),
                    .thead(.tr(.th(.text("Received")), .th(.text("Signature")), .th(.text("Changes")), .th(.text("Parse error")))),
                    .tbody(.forEach(model.deliveries) { delivery in
                        .tr(.td(.text(DashboardFormat.time(delivery.receivedAt))), .td(.text(delivery.signature)),
                            .td(.text(String(delivery.changes))), .td(.text(delivery.parseError ?? "")))
                    }))
            )
        }
    }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req)).response()
    }
}
