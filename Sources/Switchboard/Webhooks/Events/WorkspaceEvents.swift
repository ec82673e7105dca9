import Fluent
import Foundation
import SQLKit

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
        let endpoints = try await endpoints(wanting: kind, in: [workspaceID], only: endpointID, on: db)
        let event = try event(kind, workspaceID: workspaceID, data: data, at: time)
        try await event.create(on: db)
        var deliveries: [EventDelivery] = []
        for endpoint in endpoints {
            let delivery = EventDelivery(pending: try event.requireID(), endpointID: try endpoint.requireID(), workspaceID: workspaceID, at: time)
            try await delivery.create(on: db)
            deliveries.append(delivery)
        }
        return deliveries
    }

    /// One event of `kind` per item, at the item's time, each with a pending delivery per endpoint of its workspace
    /// that wants it, in a few multi-row statements whatever the count: the set-based form of `record` for batches.
    static func recordAll<Data: Encodable>(_ kind: EventKind, _ items: [(workspaceID: UUID, data: Data, at: Date)],
                                           on db: Database) async throws {
        guard !items.isEmpty else { return }
        let endpoints = Dictionary(grouping: try await endpoints(wanting: kind, in: Array(Set(items.map(\.workspaceID))), on: db),
                                   by: \.workspaceID)
        var events = BulkInsert(into: WorkspaceEvent.schema, columns: ["id", "workspace_id", "kind", "payload", "created_at"])
        var deliveries = BulkInsert(into: EventDelivery.schema, columns: ["id", "event_id", "endpoint_id", "workspace_id", "state",
                                                                          "attempts", "next_attempt_at", "created_at", "updated_at"])
        for item in items {
            let event = try event(kind, workspaceID: item.workspaceID, data: item.data, at: item.at)
            events.add([event.id, event.workspaceID, event.kind, event.payload, event.createdAt])
            for endpoint in endpoints[item.workspaceID] ?? [] {
                let d = EventDelivery(pending: try event.requireID(), endpointID: try endpoint.requireID(), workspaceID: item.workspaceID, at: item.at)
                deliveries.add([d.id, d.eventID, d.endpointID, d.workspaceID, d.state.rawValue, d.attempts, d.nextAttemptAt, d.createdAt, d.updatedAt])
            }
        }
        try await events.run(on: db.sql)
        try await deliveries.run(on: db.sql)
    }

    /// The active endpoints of these workspaces that want `kind`; with `only`, that one endpoint whatever it wants.
    static func endpoints(wanting kind: EventKind, in workspaceIDs: [UUID], only endpointID: UUID? = nil,
                          on db: Database) async throws -> [WebhookEndpoint] {
        let query = WebhookEndpoint.query(on: db).filter(\.$workspaceID ~~ workspaceIDs).filter(\.$isActive == true)
        if let endpointID { query.filter(\.$id == endpointID) }
        return try await query.all().filter { endpointID != nil || $0.wants(kind) }
    }

    /// A new event, not saved yet; its payload is the envelope its endpoints will receive.
    static func event(_ kind: EventKind, workspaceID: UUID, data: some Encodable, at time: Date) throws -> WorkspaceEvent {
        let event = WorkspaceEvent()
        let id = UUID()
        event.id = id
        event.workspaceID = workspaceID
        event.kind = kind.rawValue
        event.createdAt = time
        event.payload = try encode(EventEnvelope(id: id, type: kind.rawValue, workspaceId: workspaceID, createdAt: time, data: data))
        return event
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
