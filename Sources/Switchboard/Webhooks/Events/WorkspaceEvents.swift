import Fluent
import Foundation

/// The kinds of event a workspace can subscribe to.
public enum EventKind: String, Codable, CaseIterable, Sendable {
    case messageReceived = "message.received"
    case messageStatusChanged = "message.status_changed"
    case accountStatusChanged = "account.status_changed"
    /// Sent by the test action to one endpoint only, whatever kinds it wants.
    case webhookTest = "webhook.test"
}

/// What every event looks like on the wire.
struct EventEnvelope<Data: Encodable>: Encodable {
    var id: UUID
    var type: String
    var workspaceId: UUID
    var createdAt: Date
    var data: Data
}

/// Records events inside the caller's transaction, with one pending delivery per endpoint that wants them;
/// so an event exists exactly when the change it describes was committed.
enum WorkspaceEvents {
    /// `only` sends the event to that one active endpoint, whatever kinds it wants (the test action).
    @discardableResult
    static func record(_ kind: EventKind, workspaceID: UUID, data: some Encodable, at time: Date, on db: Database,
                       only endpointID: UUID? = nil) async throws -> [EventDelivery] {
        let query = WebhookEndpoint.query(on: db).filter(\.$workspaceID == workspaceID).filter(\.$isActive == true)
        if let endpointID { query.filter(\.$id == endpointID) }
        let endpoints = try await query.all().filter { endpointID != nil || $0.wants(kind) }
        let event = WorkspaceEvent()
        event.id = UUID()
        event.workspaceID = workspaceID
        event.kind = kind.rawValue
        event.createdAt = time
        event.payload = try encode(EventEnvelope(id: event.id!, type: kind.rawValue, workspaceId: workspaceID, createdAt: time, data: data))
        try await event.create(on: db)
        var deliveries: [EventDelivery] = []
        for endpoint in endpoints {
            let delivery = EventDelivery(pending: event.id!, endpointID: try endpoint.requireID(), workspaceID: workspaceID, at: time)
            try await delivery.create(on: db)
            deliveries.append(delivery)
        }
        return deliveries
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
