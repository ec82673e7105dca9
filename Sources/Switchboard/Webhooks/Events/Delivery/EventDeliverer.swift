import AsyncHTTPClient
import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Delivers pending workspace events to their endpoints. Everything it knows is in the database, so it survives
/// restarts, and several processes can run one each: a delivery is claimed with a lease that a crashed owner's
/// successor takes over once it expires. Each attempt is logged; failures are retried by `EventRetryPolicy`.
public final class EventDeliverer: Sendable {
    /// What a pending delivery's log says when its endpoint was deactivated.
    static let endpointInactive = "the endpoint was deactivated"
    /// At most this many attempts in flight per deliverer.
    static let batchSize = 16
    /// Long enough for a whole batch, whose attempts each time out after 10 seconds.
    static let leaseDuration: TimeInterval = 60
    static let requestTimeout: TimeAmount = .seconds(10)
    static let pollInterval: Duration = .milliseconds(250)
    static let maxErrorLength = 300

    let app: Application
    let owner: String
    let policy: EventRetryPolicy
    private let doorbell = Doorbell()
    private let loop = NIOLockedValueBox<(task: Task<Void, Never>?, stopping: Bool)>((nil, false))

    /// `owner` names this process's leases; it must be unique among the processes sharing the database.
    public init(app: Application, owner: String, policy: EventRetryPolicy = .standard) {
        self.app = app
        self.owner = owner
        self.policy = policy
    }

    /// Starts the background loop: a pass every 250 ms, or at once after `wake()`, and straight again while there is work.
    public func start() {
        loop.withLockedValue { state in
            guard state.task == nil else { return }
            state.stopping = false
            state.task = Task { [self] in
                while !loop.withLockedValue({ $0.stopping }) {
                    do {
                        if try await runOnce() > 0 { continue }
                    } catch {
                        app.logger.error("event delivery pass failed", metadata: ["error": .string(String(describing: error))])
                    }
                    await doorbell.wait(upTo: Self.pollInterval)
                }
            }
        }
    }

    /// Stops the loop after the attempts in flight have finished and been recorded.
    public func stop() async {
        let task = loop.withLockedValue { state -> Task<Void, Never>? in
            state.stopping = true
            defer { state.task = nil }
            return state.task
        }
        await doorbell.ring()
        await task?.value
    }

    /// Asks for a pass now, e.g. after recording an event.
    public func wake() {
        Task { await doorbell.ring() }
    }

    /// One pass: claims due deliveries, attempts them concurrently, records each outcome. Returns how many it handled.
    public func runOnce() async throws -> Int {
        let now = clock.now()
        let ids = try await app.transactor { db in
            try await DeliveryClaim.claim(owner: self.owner, limit: Self.batchSize, now: now,
                                          until: now.addingTimeInterval(Self.leaseDuration), on: db)
        }
        let jobs = try await DeliveryClaim.jobs(ids, secrets: app.switchboard.secrets, on: app.db)
        await withTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask { await self.handle(job) }
            }
        }
        return jobs.count
    }

    // MARK: One delivery

    struct Outcome {
        var attempted: Bool
        var statusCode: Int?
        var error: String?
        var durationMs = 0
        var succeeded: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
    }

    private var clock: Clock { app.switchboard.clients.clock }

    private func handle(_ job: DeliveryJob) async {
        let startedAt = clock.now()
        let outcome: Outcome
        if !job.endpointActive {
            outcome = Outcome(attempted: false, error: Self.endpointInactive)
        } else if let secret = job.secret {
            outcome = await post(job, secret: secret, at: startedAt)
        } else {
            outcome = Outcome(attempted: true, error: "the endpoint's secret could not be read")
        }
        do {
            try await record(outcome, of: job, startedAt: startedAt)
        } catch {
            // The lease runs out and the delivery is attempted again; nothing is lost.
            app.logger.error("could not record an event delivery attempt",
                             metadata: ["delivery": .string(job.deliveryID.uuidString), "error": .string(String(describing: error))])
        }
    }

    private func post(_ job: DeliveryJob, secret: String, at time: Date) async -> Outcome {
        if let url = URL(string: job.url), let host = url.host,
           let refusal = await app.switchboard.config.webhookTargets.refusal(
               resolving: host, port: url.port ?? (url.scheme == "https" ? 443 : 80), on: app.threadPool) {
            return Outcome(attempted: true, error: "not sent: " + refusal)
        }
        var request = HTTPClientRequest(url: job.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Switchboard-Webhooks/1")
        request.headers.add(name: EventSignature.headerName,
                            value: EventSignature.header(secret: secret, timestamp: Int(time.timeIntervalSince1970), body: job.payload))
        request.headers.add(name: "Switchboard-Event-Id", value: job.eventID.uuidString)
        request.headers.add(name: "Switchboard-Event-Type", value: job.eventType)
        request.headers.add(name: "Switchboard-Delivery-Id", value: job.deliveryID.uuidString)
        request.body = .bytes(ByteBuffer(string: job.payload))
        let started = ContinuousClock.now
        var outcome = Outcome(attempted: true)
        do {
            let response = try await app.http.client.shared.execute(request, timeout: Self.requestTimeout)
            outcome.statusCode = Int(response.status.code)
            // Read (and drop) a little of the body so the connection can be reused; a huge one is cut off.
            _ = try? await response.body.collect(upTo: 64 * 1024)
        } catch {
            outcome.error = Self.describe(error, hiding: secret)
        }
        outcome.durationMs = Int((ContinuousClock.now - started) / .milliseconds(1))
        app.logger.debug("event delivery attempt", metadata: [
            "delivery": .string(job.deliveryID.uuidString), "event_type": .string(job.eventType),
            "status": .string(outcome.statusCode.map(String.init) ?? outcome.error ?? ""), "duration_ms": .stringConvertible(outcome.durationMs),
        ])
        return outcome
    }

    /// Stores the attempt and moves the delivery on: delivered, due again later, or failed. Only while this
    /// deliverer still holds the lease: a delivery taken over by another is left to it. An attempt that was in flight
    /// when its endpoint was deactivated is still logged as it went; the next claim fails the delivery.
    private func record(_ outcome: Outcome, of job: DeliveryJob, startedAt: Date) async throws {
        let now = clock.now()
        let attempts = job.attempts + (outcome.attempted ? 1 : 0)
        let next = outcome.attempted && !outcome.succeeded
            ? policy.nextAttempt(afterAttempt: attempts, createdAt: job.createdAt, now: now, jitter: app.switchboard.clients.random.unit())
            : nil
        try await app.transactor { db in
            guard let delivery = try await EventDelivery.query(on: db).filter(\.$id == job.deliveryID)
                .filter(\.$leaseOwner == self.owner).first() else { return }
            delivery.attempts = attempts
            delivery.lastStatusCode = outcome.statusCode
            delivery.lastError = outcome.error
            delivery.state = outcome.succeeded ? .delivered : next == nil ? .failed : .pending
            delivery.nextAttemptAt = next
            delivery.deliveredAt = outcome.succeeded ? now : nil
            delivery.leaseOwner = nil
            delivery.leaseUntil = nil
            delivery.updatedAt = now
            try await delivery.save(on: db)
            guard outcome.attempted else { return }
            let attempt = EventDeliveryAttempt()
            attempt.deliveryID = job.deliveryID
            attempt.attemptedAt = startedAt
            attempt.statusCode = outcome.statusCode
            attempt.error = outcome.error
            attempt.durationMs = outcome.durationMs
            try await attempt.create(on: db)
        }
    }

    /// A short, secret-free description of a transport error for the log.
    static func describe(_ error: any Error, hiding secret: String) -> String {
        let text = String(describing: error).replacingOccurrences(of: secret, with: "[redacted]")
        return text.count > maxErrorLength ? String(text.prefix(maxErrorLength - 1)) + "…" : text
    }
}
