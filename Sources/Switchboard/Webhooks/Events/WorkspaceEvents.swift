import Fluent
import Foundation

/// The kinds of event a workspace can subscribe to.
public enum EventKind: String, Codable, CaseIterable, Sendable {
    case messageReceived = "message.received"
    case messageStatusChanged = "message.status_changed"
    case accountStatusChanged = "account.status_changed"
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
    static func record(_ kind: EventKind, workspaceID: UUID, data: some Encodable, at time: Date, on db: Database) async throws {
        let endpoints = try await WebhookEndpoint.query(on: db)
            .filter(\.$workspaceID == workspaceID).filter(\.$isActive == true).all()
            .filter { $0.wants(kind) }
        let event = WorkspaceEvent()
        event.id = UUID()
        event.workspaceID = workspaceID
        event.kind = kind.rawValue
        event.createdAt = time
        event.payload = try encode(EventEnvelope(id: event.id!, type: kind.rawValue, workspaceId: workspaceID, createdAt: time, data: data))
        try await event.create(on: db)
        for endpoint in endpoints {
            let delivery = EventDelivery()
            delivery.eventID = event.id!
            delivery.endpointID = try endpoint.requireID()
            delivery.workspaceID = workspaceID
            delivery.state = .pending
            delivery.attempts = 0
            delivery.nextAttemptAt = time
            delivery.createdAt = time
            delivery.updatedAt = time
            try await delivery.create(on: db)
        }
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
