import Fluent
import Vapor

/// `/api/v1/webhook-endpoints`: where a workspace's events go, the delivery log of each endpoint, replays and tests.
struct WebhookEndpointsAPI {
    static let paging: [APIOperation.Query] = [
        .param("limit", .integer(min: 1, max: 100), "Page size, 1 to 100 (default 20)"),
        .param("cursor", .string(max: 2048), "The nextCursor of the previous page"),
    ]

    func register(on api: RoutesBuilder) {
        let endpoints = api.grouped("webhook-endpoints")
        endpoints.api(.GET, operation: .init(
            "listWebhookEndpoints", "Webhook endpoints of the workspace, newest first, cursor pages", permission: .read,
            query: Self.paging, response: "WebhookEndpointPage"), use: list)
        endpoints.api(.POST, operation: .init(
            "createWebhookEndpoint", "Add an endpoint; the answer is the only time its signing secret is shown", permission: .write,
            request: "CreateWebhookEndpoint", success: 201, response: "WebhookEndpointWithSecret"), use: create)
        endpoints.api(.GET, ":endpointID", operation: .init(
            "getWebhookEndpoint", "One endpoint (never its secret)", permission: .read, response: "WebhookEndpoint", errors: [404]), use: get)
        endpoints.api(.PATCH, ":endpointID", operation: .init(
            "updateWebhookEndpoint", "Change URL, event kinds or active; absent fields stay. Deactivating fails its pending deliveries",
            permission: .write, request: "UpdateWebhookEndpoint", response: "WebhookEndpoint", errors: [404]), use: update)
        endpoints.api(.DELETE, ":endpointID", operation: .init(
            "deleteWebhookEndpoint", "Deactivate (soft delete) an endpoint; its log stays", permission: .write,
            response: "WebhookEndpoint", errors: [404]), use: deactivate)
        endpoints.api(.POST, ":endpointID", "rotate-secret", operation: .init(
            "rotateWebhookEndpointSecret", "Replace the signing secret with a new random one, shown only in this answer",
            permission: .write, response: "WebhookEndpointWithSecret", errors: [404]), use: rotateSecret)
        endpoints.api(.POST, ":endpointID", "test", operation: .init(
            "testWebhookEndpoint", "Send a webhook.test event to this endpoint only", permission: .write,
            success: 202, response: "EventDelivery", errors: [404, 409]), use: sendTest)
        endpoints.api(.GET, ":endpointID", "deliveries", operation: .init(
            "listEventDeliveries", "The endpoint's delivery log, newest first, each delivery with its attempts", permission: .read,
            query: [.param("state", .enumeration(EventDeliveryState.allCases.map(\.rawValue)), "Only deliveries in this state")] + Self.paging,
            response: "EventDeliveryPage", errors: [404]), use: deliveries)
        endpoints.api(.POST, ":endpointID", "deliveries", ":deliveryID", "replay", operation: .init(
            "replayEventDelivery", "Deliver the same event to the same endpoint again, as a new delivery", permission: .write,
            success: 202, response: "EventDelivery", errors: [404, 409]), use: replay)
    }

    func list(_ req: Request) async throws -> CursorPage<WebhookEndpointDTO> {
        try await req.webhookEndpoints.list(try req.query.decode(EventPageQuery.self), workspaceID: try req.principal.workspaceID, on: req.db)
    }

    func create(_ req: Request) async throws -> Response {
        let created = try await req.webhookEndpoints.create(try req.input(CreateWebhookEndpointInput.self), context: try req.auditContext,
                                                            writer: req.transactor)
        return try await created.encodeResponse(status: .created, for: req)
    }

    func get(_ req: Request) async throws -> WebhookEndpointDTO {
        try await req.webhookEndpoints.get(try req.uuid("endpointID"), workspaceID: try req.principal.workspaceID, on: req.db)
    }

    func update(_ req: Request) async throws -> WebhookEndpointDTO {
        try await req.webhookEndpoints.update(try req.uuid("endpointID"), try req.input(UpdateWebhookEndpointInput.self),
                                              context: try req.auditContext, writer: req.transactor)
    }

    func deactivate(_ req: Request) async throws -> WebhookEndpointDTO {
        try await req.webhookEndpoints.update(try req.uuid("endpointID"), UpdateWebhookEndpointInput(isActive: false),
                                              context: try req.auditContext, writer: req.transactor)
    }

    func rotateSecret(_ req: Request) async throws -> WebhookEndpointWithSecretDTO {
        try await req.webhookEndpoints.rotateSecret(try req.uuid("endpointID"), context: try req.auditContext, writer: req.transactor)
    }

    func sendTest(_ req: Request) async throws -> Response {
        let delivery = try await req.webhookEndpoints.sendTest(try req.uuid("endpointID"), context: try req.auditContext, writer: req.transactor)
        return try await delivery.encodeResponse(status: .accepted, for: req)
    }

    func deliveries(_ req: Request) async throws -> CursorPage<EventDeliveryDTO> {
        try await req.webhookEndpoints.deliveries(of: try req.uuid("endpointID"), try req.query.decode(EventPageQuery.self),
                                                  workspaceID: try req.principal.workspaceID, on: req.db)
    }

    func replay(_ req: Request) async throws -> Response {
        let delivery = try await req.webhookEndpoints.replay(try req.uuid("deliveryID"), endpointID: try req.uuid("endpointID"),
                                                             context: try req.auditContext, writer: req.transactor)
        return try await delivery.encodeResponse(status: .accepted, for: req)
    }
}
