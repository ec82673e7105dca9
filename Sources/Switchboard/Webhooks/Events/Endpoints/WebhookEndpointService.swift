import Fluent
import Foundation
import Vapor

/// Webhook endpoints of a workspace, their delivery logs, replays and test events. Every configuration change is
/// audited with the secret left out; the secret itself is shown only in the answer that created it.
public struct WebhookEndpointService: Sendable {
    let secrets: SecretStore
    let clock: Clock
    let random: RandomSource
    let targets: WebhookTargets

    public init(_ app: Application) {
        let services = app.switchboard
        self.init(secrets: services.secrets, clock: services.clients.clock, random: services.clients.random,
                  targets: services.config.webhookTargets)
    }

    init(secrets: SecretStore, clock: Clock, random: RandomSource, targets: WebhookTargets) {
        self.secrets = secrets
        self.clock = clock
        self.random = random
        self.targets = targets
    }

    // MARK: Reading

    public func list(_ query: EventPageQuery, workspaceID: UUID, on db: Database) async throws -> CursorPage<WebhookEndpointDTO> {
        let limit = try PageLimit.parse(query.limit)
        let builder = WebhookEndpoint.query(on: db).filter(\.$workspaceID == workspaceID)
        if let raw = query.cursor {
            let cursor = try PageCursor.decode(raw)
            builder.after(\.$createdAt, try cursor.time(), id: cursor.id, descending: true)
        }
        let rows = try await builder.sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(limit + 1).all()
        let last4 = try await Self.secretLast4(of: rows, on: db)
        return try CursorPage(rows: rows, limit: limit, cursor: { PageCursor(time: $0.createdAt, id: $0.id ?? UUID()) },
                              item: { try WebhookEndpointDTO($0, secretLast4: last4[$0.secretSecretID] ?? "") })
    }

    public func get(_ id: UUID, workspaceID: UUID, on db: Database) async throws -> WebhookEndpointDTO {
        try await Self.render(try await Self.find(id, workspaceID: workspaceID, on: db), on: db)
    }

    /// The endpoint's deliveries, newest first, each with its attempts.
    public func deliveries(of endpointID: UUID, _ query: EventPageQuery, workspaceID: UUID, on db: Database) async throws -> CursorPage<EventDeliveryDTO> {
        let limit = try PageLimit.parse(query.limit)
        _ = try await Self.find(endpointID, workspaceID: workspaceID, on: db)
        let builder = EventDelivery.query(on: db).filter(\.$endpointID == endpointID).filter(\.$workspaceID == workspaceID)
        if let state = query.state { builder.filter(\.$state == state) }
        if let raw = query.cursor {
            let cursor = try PageCursor.decode(raw)
            builder.after(\.$createdAt, try cursor.time(), id: cursor.id, descending: true)
        }
        let rows = try await builder.sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(limit + 1).all()
        return CursorPage(rows: try await Self.render(rows, on: db), limit: limit,
                          cursor: { PageCursor(time: $0.createdAt, id: $0.id) }, item: { $0 })
    }

    // MARK: Changing

    public func create(_ input: CreateWebhookEndpointInput, context: AuditContext, writer: Transactor) async throws -> WebhookEndpointWithSecretDTO {
        var checks = FieldChecks()
        WebhookEndpointRules.checkURL(input.url, targets: targets, into: &checks)
        let kinds = WebhookEndpointRules.kinds(input.eventKinds, into: &checks)
        WebhookEndpointRules.checkSecret(input.secret, into: &checks)
        try checks.check()
        let secret = input.secret ?? WebhookEndpointRules.generateSecret(random)
        let time = clock.now()
        let dto = try await writer { db in
            let endpoint = WebhookEndpoint()
            endpoint.id = UUID()
            endpoint.workspaceID = context.workspaceID
            endpoint.url = input.url
            endpoint.eventKinds = WebhookEndpointRules.encode(kinds)
            endpoint.isActive = true
            endpoint.createdBy = context.actor.label
            endpoint.updatedBy = context.actor.label
            endpoint.createdAt = time
            endpoint.updatedAt = time
            endpoint.secretSecretID = try await secrets.store(secret, workspaceID: context.workspaceID,
                                                              purpose: WebhookEndpointRules.secretPurpose, on: db).requireID()
            try await endpoint.create(on: db)
            let dto = try await Self.render(endpoint, on: db)
            try await AuditLog.record("webhook_endpoint.created", target: ("webhook_endpoint", dto.id.uuidString), after: dto,
                                      context: context, at: time, on: db)
            return dto
        }
        return WebhookEndpointWithSecretDTO(endpoint: dto, secret: secret)
    }

    /// Changes URL, kinds or active; deactivating fails the endpoint's pending deliveries, so none is sent after.
    public func update(_ id: UUID, _ input: UpdateWebhookEndpointInput, context: AuditContext, writer: Transactor) async throws -> WebhookEndpointDTO {
        var checks = FieldChecks()
        if let url = input.url { WebhookEndpointRules.checkURL(url, targets: targets, into: &checks) }
        let kinds = input.eventKinds.map { WebhookEndpointRules.kinds($0, into: &checks) }
        try checks.check()
        let time = clock.now()
        return try await writer { db in
            let endpoint = try await Self.find(id, workspaceID: context.workspaceID, on: db)
            let before = try await Self.render(endpoint, on: db)
            if let url = input.url, url != endpoint.url { endpoint.url = url }
            if let kinds, kinds != endpoint.kinds { endpoint.eventKinds = WebhookEndpointRules.encode(kinds) }
            if let active = input.isActive, active != endpoint.isActive { endpoint.isActive = active }
            guard endpoint.hasChanges else { return before }
            endpoint.updatedBy = context.actor.label
            endpoint.updatedAt = time
            try await endpoint.save(on: db)
            if before.isActive, !endpoint.isActive {
                try await EventDelivery.query(on: db).filter(\.$endpointID == id).filter(\.$state == .pending)
                    .set(\.$state, to: .failed).set(\.$lastError, to: EventDeliverer.endpointInactive)
                    .set(\.$nextAttemptAt, to: nil).set(\.$updatedAt, to: time).update()
            }
            let after = try await Self.render(endpoint, on: db)
            try await AuditLog.record(Self.action(before: before, after: after), target: ("webhook_endpoint", id.uuidString),
                                      before: before, after: after, context: context, at: time, on: db)
            return after
        }
    }

    /// A new random secret, effective for the next attempt; shown once in the answer.
    public func rotateSecret(_ id: UUID, context: AuditContext, writer: Transactor) async throws -> WebhookEndpointWithSecretDTO {
        let secret = WebhookEndpointRules.generateSecret(random)
        let time = clock.now()
        let dto = try await writer { db in
            let endpoint = try await Self.find(id, workspaceID: context.workspaceID, on: db)
            let before = try await Self.render(endpoint, on: db)
            guard let stored = try await StoredSecret.find(endpoint.secretSecretID, on: db) else { throw Problem.notFound("Webhook endpoint") }
            try await secrets.replace(stored, with: secret, on: db)
            endpoint.updatedBy = context.actor.label
            endpoint.updatedAt = time
            try await endpoint.save(on: db)
            let after = try await Self.render(endpoint, on: db)
            try await AuditLog.record("webhook_endpoint.secret_rotated", target: ("webhook_endpoint", id.uuidString),
                                      before: before, after: after, context: context, at: time, on: db)
            return after
        }
        return WebhookEndpointWithSecretDTO(endpoint: dto, secret: secret)
    }

    /// A new pending delivery of the same event to the same endpoint; the replayed one stays in the log as it was.
    public func replay(_ deliveryID: UUID, endpointID: UUID, context: AuditContext, writer: Transactor) async throws -> EventDeliveryDTO {
        let time = clock.now()
        return try await writer { db in
            let endpoint = try await Self.find(endpointID, workspaceID: context.workspaceID, on: db)
            guard let original = try await EventDelivery.query(on: db).filter(\.$id == deliveryID).filter(\.$endpointID == endpointID)
                .filter(\.$workspaceID == context.workspaceID).first() else { throw Problem.notFound("Delivery") }
            try Self.requireActive(endpoint)
            let delivery = EventDelivery(pending: original.eventID, endpointID: endpointID, workspaceID: context.workspaceID, at: time)
            try await delivery.create(on: db)
            let dto = try await Self.render([delivery], on: db)[0]
            try await AuditLog.record("event_delivery.replayed", target: ("event_delivery", deliveryID.uuidString),
                                      after: dto, context: context, at: time, on: db)
            return dto
        }
    }

    /// Records a `webhook.test` event for this endpoint only.
    public func sendTest(_ endpointID: UUID, context: AuditContext, writer: Transactor) async throws -> EventDeliveryDTO {
        let time = clock.now()
        return try await writer { db in
            let endpoint = try await Self.find(endpointID, workspaceID: context.workspaceID, on: db)
            try Self.requireActive(endpoint)
            let deliveries = try await WorkspaceEvents.record(.webhookTest, workspaceID: context.workspaceID,
                                                              data: TestEventData(endpointId: endpointID, requestedBy: context.actor.label),
                                                              at: time, on: db, only: endpointID)
            return try await Self.render(deliveries, on: db)[0]
        }
    }

    // MARK: Helpers

    struct TestEventData: Encodable {
        var endpointId: UUID
        var requestedBy: String
    }

    static func find(_ id: UUID, workspaceID: UUID, on db: Database) async throws -> WebhookEndpoint {
        guard let endpoint = try await WebhookEndpoint.query(on: db).filter(\.$id == id).filter(\.$workspaceID == workspaceID).first() else {
            throw Problem.notFound("Webhook endpoint")
        }
        return endpoint
    }

    static func requireActive(_ endpoint: WebhookEndpoint) throws(Problem) {
        guard endpoint.isActive else {
            throw Problem.conflict("endpoint_inactive", field: nil, detail: "The endpoint is inactive; activate it first.")
        }
    }

    static func action(before: WebhookEndpointDTO, after: WebhookEndpointDTO) -> String {
        if before.isActive == after.isActive { return "webhook_endpoint.updated" }
        return after.isActive ? "webhook_endpoint.activated" : "webhook_endpoint.deactivated"
    }

    static func render(_ endpoint: WebhookEndpoint, on db: Database) async throws -> WebhookEndpointDTO {
        try WebhookEndpointDTO(endpoint, secretLast4: try await secretLast4(of: [endpoint], on: db)[endpoint.secretSecretID] ?? "")
    }

    static func secretLast4(of endpoints: [WebhookEndpoint], on db: Database) async throws -> [UUID: String] {
        guard !endpoints.isEmpty else { return [:] }
        return try await StoredSecret.query(on: db).filter(\.$id ~~ endpoints.map(\.secretSecretID)).all().byID.mapValues(\.last4)
    }

    /// Deliveries with their event types and attempts, in the order given: three queries whatever the count.
    static func render(_ deliveries: [EventDelivery], on db: Database) async throws -> [EventDeliveryDTO] {
        guard !deliveries.isEmpty else { return [] }
        let kinds = try await WorkspaceEvent.query(on: db).filter(\.$id ~~ Set(deliveries.map(\.eventID))).all().byID.mapValues(\.kind)
        let attempts = try await EventDeliveryAttempt.query(on: db).filter(\.$deliveryID ~~ deliveries.compactMap(\.id))
            .sort(\.$attemptedAt).sort(\.$id).all()
        let byDelivery = Dictionary(grouping: attempts, by: \.deliveryID)
        return try deliveries.map { delivery in
            try EventDeliveryDTO(delivery, eventType: kinds[delivery.eventID] ?? "", attempts: byDelivery[try delivery.requireID()] ?? [])
        }
    }
}

extension Request {
    var webhookEndpoints: WebhookEndpointService { WebhookEndpointService(application) }
}
