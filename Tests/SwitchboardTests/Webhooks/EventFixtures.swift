import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

/// Endpoints and events for the event delivery tests.
enum EventFixtures {
    static let secret = "whsec_test_0123456789abcdef"

    struct MessageData: Encodable {
        var messageId = UUID()
        var from = "15551234567"
        var text = "hello"
    }

    /// Deactivates the seeded endpoint (so a pass handles only the test's own deliveries) and adds one on `url`.
    static func endpoint(_ app: Application, _ workspace: SeededWorkspace, url: String, kinds: [String] = ["*"],
                         secret: String = secret) async throws -> WebhookEndpointDTO {
        _ = try await app.send(.DELETE, "/api/v1/webhook-endpoints/\(workspace.endpointID)", key: workspace.key(.owner))
        let reply = try await app.send(.POST, "/api/v1/webhook-endpoints", key: workspace.key(.manager),
                                       json: CreateWebhookEndpointInput(url: url, eventKinds: kinds, secret: secret))
        #expect(reply.status == .created, "\(reply.text)")
        return try reply.decode(WebhookEndpointWithSecretDTO.self).endpoint
    }

    /// Records an event as the inbound and send paths do, in a write transaction; returns how many deliveries it made.
    @discardableResult
    static func record(_ app: Application, _ kind: EventKind = .messageReceived, workspace: UUID,
                       data: some Encodable & Sendable = MessageData()) async throws -> Int {
        let time = app.switchboard.clients.clock.now()
        return try await app.transactor { db in
            try await WorkspaceEvents.record(kind, workspaceID: workspace, data: data, at: time, on: db).count
        }
    }

    static func log(_ app: Application, _ workspace: SeededWorkspace, endpoint: UUID) async throws -> [EventDeliveryDTO] {
        let reply = try await app.send(.GET, "/api/v1/webhook-endpoints/\(endpoint)/deliveries", key: workspace.key(.agent))
        #expect(reply.status == .ok, "\(reply.text)")
        return try reply.decode(CursorPage<EventDeliveryDTO>.self).items
    }

    /// Workspace alpha with an endpoint on a fresh receiver and one `message.received` event pending for it.
    static func withEndpoint(_ app: Application, answering statuses: [HTTPResponseStatus] = [], always: HTTPResponseStatus = .ok,
                             _ test: (SeededWorkspace, EventReceiver, WebhookEndpointDTO) async throws -> Void) async throws {
        let a = try await Seed.workspace(app, slug: "alpha")
        let receiver = try await EventReceiver.start(answering: statuses, always: always)
        try await withReceivers([receiver]) {
            let endpoint = try await endpoint(app, a, url: receiver.url)
            #expect(try await record(app, workspace: a.id) == 1)
            try await test(a, receiver, endpoint)
        }
    }

    static func deliverer(_ app: Application, owner: String = "test-\(UUID().uuidString.prefix(8))") -> EventDeliverer {
        EventDeliverer(app: app, owner: owner)
    }
}
