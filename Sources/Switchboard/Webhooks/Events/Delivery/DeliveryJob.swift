import Fluent
import Foundation
import SQLKit

/// A claimed delivery with everything its attempt needs, read once, so the HTTP call holds no database connection.
struct DeliveryJob: Sendable {
    var deliveryID: UUID
    var eventID: UUID
    var eventType: String
    /// The exact bytes of `events.payload`.
    var payload: String
    var url: String
    /// Nil when the endpoint's secret cannot be read (the attempt fails and is retried).
    var secret: String?
    var endpointActive: Bool
    var attempts: Int
    var createdAt: Date
}

enum DeliveryClaim {
    /// Leases up to `limit` due deliveries to `owner` until `until`, and returns their ids. A row is due when pending,
    /// its time has come, and nobody holds a live lease on it: an expired lease (a crashed owner) is taken over.
    /// PostgreSQL skips rows another node is claiming at the same moment; SQLite has one writer anyway.
    static func claim(owner: String, limit: Int, now: Date, until: Date, on db: Database) async throws -> [UUID] {
        let lock = db.isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await db.sql.raw("""
            UPDATE event_deliveries SET lease_owner = \(bind: owner), lease_until = \(bind: until)
            WHERE id IN (SELECT id FROM event_deliveries
                         WHERE state = \(bind: EventDeliveryState.pending.rawValue) AND next_attempt_at <= \(bind: now)
                           AND (lease_until IS NULL OR lease_until < \(bind: now))
                         ORDER BY next_attempt_at, id LIMIT \(unsafeRaw: String(limit))\(unsafeRaw: lock))
            RETURNING id
            """).all()
        return try rows.map { try $0.decode(column: "id", as: UUID.self) }
    }

    /// The claimed deliveries as jobs: four queries whatever the batch size.
    static func jobs(_ ids: [UUID], secrets: SecretStore, on db: Database) async throws -> [DeliveryJob] {
        guard !ids.isEmpty else { return [] }
        let deliveries = try await EventDelivery.query(on: db).filter(\.$id ~~ ids).all()
        let events = try await WorkspaceEvent.query(on: db).filter(\.$id ~~ Set(deliveries.map(\.eventID))).all()
        let endpoints = try await WebhookEndpoint.query(on: db).filter(\.$id ~~ Set(deliveries.map(\.endpointID))).all()
        let stored = try await StoredSecret.query(on: db).filter(\.$id ~~ Set(endpoints.map(\.secretSecretID))).all()
        let eventsByID = events.byID, endpointsByID = endpoints.byID, secretsByID = stored.byID
        return deliveries.compactMap { delivery in
            guard let id = delivery.id, let event = eventsByID[delivery.eventID], let endpoint = endpointsByID[delivery.endpointID] else { return nil }
            return DeliveryJob(deliveryID: id, eventID: delivery.eventID, eventType: event.kind, payload: event.payload, url: endpoint.url,
                               secret: secretsByID[endpoint.secretSecretID].flatMap { try? secrets.reveal($0) },
                               endpointActive: endpoint.isActive, attempts: delivery.attempts, createdAt: delivery.createdAt)
        }
    }
}
