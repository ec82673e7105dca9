import AsyncHTTPClient
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor
import WhatsAppCloud

/// Sends what the outbox holds. Each lane loops: claim a batch (with a lease and paced slots), send every
/// message at its slot, record all outcomes in one transaction. Runs inside `serve`, or alone in `worker`.
public final class OutboxDispatcher: Sendable {
    let app: Application
    let owner: String
    let settings: DispatchSettings
    private let lanes = NIOLockedValueBox<[Task<Void, Never>]>([])

    public init(app: Application, owner: String = "dispatcher-\(UUID().uuidString.prefix(8).lowercased())", settings: DispatchSettings = .init()) {
        self.app = app
        self.owner = owner
        self.settings = settings
    }

    private var clock: Clock { app.switchboard.clients.clock }

    /// Starts the lanes; the dispatcher is then `app.outboxDispatcher`.
    public func start() async throws {
        try await OutboxClaims.releaseStaleLeases(in: "outbox", on: app.db)
        app.storage[DispatcherKey.self] = self
        let tasks = (0..<max(settings.lanes, 1)).map { lane in
            Task { [self] in await loop(lane: lane) }
        }
        lanes.withLockedValue { $0 = tasks }
        app.logger.info("outbox dispatcher started", metadata: ["owner": "\(owner)", "lanes": "\(tasks.count)"])
    }

    /// Stops claiming and waits for the lanes to finish what they hold.
    public func stop() async {
        let tasks = lanes.withLockedValue { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    private func loop(lane: Int) async {
        while !Task.isCancelled {
            do {
                if try await runOnce() == 0 { try await Task.sleep(for: .seconds(settings.idlePoll)) }
            } catch is CancellationError {
                return
            } catch {
                app.logger.error("outbox dispatch failed; trying again", metadata: ["lane": "\(lane)", "error": "\(String(reflecting: error).prefix(500))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// One pass: claim, send, record. Returns how many messages it attempted.
    ///
    /// Outcomes are recorded as they come, not when the whole batch is done: every answer the provider gave
    /// that is not committed yet would be sent again after a crash, so that window is kept to one commit.
    @discardableResult
    public func runOnce() async throws -> Int {
        let claimed = try await app.transactor { [owner, settings, clock] db in
            // The time is read inside the transaction, after any wait for the writer or row locks, so slots
            // are not handed out already late.
            try await OutboxClaims.claim(owner: owner, now: clock.now(), settings: settings, on: db)
        }
        guard !claimed.isEmpty else { return 0 }
        let material = try await SendMaterial.load(claimed, secrets: app.switchboard.secrets, endpoints: app.switchboard.endpoints, on: app.db)
        let buffer = OutcomeBuffer()
        // Once claimed, every message is sent and recorded even if the lane is being stopped.
        try await Task { [self] in
            async let recorded: Void = recordAsTheyCome(buffer)
            await withTaskGroup(of: Void.self) { group in
                for claim in claimed {
                    group.addTask { await buffer.append(await self.send(claim, material: material)) }
                }
            }
            await buffer.finish()
            try await recorded
        }.value
        return claimed.count
    }

    /// Commits whatever outcomes are waiting, again and again until the batch is done (group commit).
    private func recordAsTheyCome(_ buffer: OutcomeBuffer) async throws {
        while let outcomes = await buffer.next() {
            let changed = try await recordOutcomes(outcomes)
            for workspace in changed { await app.switchboard.decisions.invalidate(workspaceID: workspace, platform: true) }
            record(outcomes)
        }
    }

    /// The provider has answered, so losing these outcomes would mean sending again after the lease expires:
    /// a failed commit (a deadlock, the database restarting) is tried again before giving up.
    private func recordOutcomes(_ outcomes: [SendOutcome]) async throws -> Set<UUID> {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let finished = clock.now()
                return try await app.transactor.urgently { db in try await SendOutcomes.commit(outcomes, at: finished, on: db) }
            } catch where attempt < 6 {
                app.logger.warning("recording send outcomes failed; trying again", metadata: ["attempt": "\(attempt)", "error": "\(String(reflecting: error).prefix(300))"])
                try? await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }

    private func send(_ claim: ClaimedSend, material: SendMaterial) async -> SendOutcome {
        guard let message = material.messages[claim.messageID], let account = material.accounts[claim.accountID] else {
            return SendOutcome(claim: claim, result: .failed(code: nil, title: "not_found", detail: "the message or its account no longer exists"))
        }
        if let refusal = account.refusal {
            return SendOutcome(claim: claim, result: .failed(code: nil, title: "account_unusable", detail: refusal))
        }
        // Sending later than the slot allows could put more than the account's rate in some second: a late
        // message takes a new slot (twice at most, then it goes back to the queue).
        var slot = claim.slot
        for retake in 0...2 {
            let wait = slot.timeIntervalSince(clock.now())
            if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
            if clock.now().timeIntervalSince(slot) <= settings.lateness / 2 { break }
            guard retake < 2, let next = try? await app.transactor({ [clock, settings] db in
                try await OutboxClaims.reserveSlot(accountID: claim.accountID, earliest: clock.now().timeIntervalSince1970 + settings.lead,
                                                   rate: account.rate, lateness: settings.lateness, on: db)
            }) else { return SendOutcome(claim: claim, result: .missedSlot) }
            slot = next
        }
        var body = message
        body.bizOpaqueCallbackData = claim.messageID.uuidString
        let client = GraphClient(httpClient: app.http.client.shared, accessToken: AccessToken(account.token), baseURL: account.baseURL,
                                 timeout: settings.sendTimeout, logger: app.logger)
        do {
            let response = try await client.sendMessage(phoneNumberID: account.phoneNumberID, body)
            guard let wamid = response.messageIDs.first else {
                return SendOutcome(claim: claim, result: .failed(code: nil, title: "unexpected_response", detail: "the provider accepted the message without an id"))
            }
            return SendOutcome(claim: claim, result: .sent(wamid: wamid))
        } catch {
            return SendOutcome(claim: claim, result: Self.result(of: error, attempt: claim.attempt, jitter: app.switchboard.clients.random.unit(),
                                                                 settings: settings.retry))
        }
    }

    /// The outcome a failed call leads to, by the policy; Meta's code and text are kept.
    static func result(of error: GraphClientError, attempt: Int, jitter: Double, settings: SendRetryPolicy.Settings) -> SendResult {
        let code = error.graphError?.code
        let title = error.graphError.map { $0.errorUserTitle ?? $0.message ?? "Graph error \($0.code)" } ?? "provider_error"
        let detail = String(error.graphError.map { $0.errorData?.details ?? $0.message ?? "" } ?? String(describing: error.kind)).prefix(1000).description
        switch SendRetryPolicy.action(for: error.errorClass, attempts: attempt, jitter: jitter, settings: settings) {
        case .fail:
            let gaveUp = error.errorClass.isRetryable ? " (gave up after \(attempt) attempts)" : ""
            return .failed(code: code, title: title, detail: detail + gaveUp)
        case .retry(let after): return .retry(after: after, code: code, detail: detail, pauseAccount: false)
        case .pauseAccount(let seconds): return .retry(after: seconds, code: code, detail: detail, pauseAccount: true)
        case .reauthorize: return .reauthorize(code: code, detail: detail)
        }
    }

    private func record(_ outcomes: [SendOutcome]) {
        var counts: [String: Int] = [:]
        for outcome in outcomes {
            let name = switch outcome.result {
            case .sent: "sent"
            case .failed: "failed"
            case .retry: "retry"
            case .reauthorize: "reauthorize"
            case .missedSlot: "missed_slot"
            }
            counts[name, default: 0] += 1
        }
        for (outcome, count) in counts {
            app.switchboard.metrics.countSends(outcome: outcome, count: count)
        }
    }
}

/// Outcomes waiting to be recorded; `next()` hands over all of them at once, waiting while there are none.
actor OutcomeBuffer {
    private var waiting: [SendOutcome] = []
    private var finished = false
    private var reader: CheckedContinuation<Void, Never>?

    func append(_ outcome: SendOutcome) {
        waiting.append(outcome)
        reader?.resume()
        reader = nil
    }

    func finish() {
        finished = true
        reader?.resume()
        reader = nil
    }

    /// Everything waiting, or nil once finished and drained.
    func next() async -> [SendOutcome]? {
        if waiting.isEmpty && !finished { await withCheckedContinuation { reader = $0 } }
        guard !waiting.isEmpty else { return nil }
        defer { waiting = [] }
        return waiting
    }
}

struct DispatcherKey: StorageKey { typealias Value = OutboxDispatcher }

extension Application {
    /// The dispatcher running in this process, if any.
    public var outboxDispatcher: OutboxDispatcher? { storage[DispatcherKey.self] }
}

/// Everything a batch needs to call the provider, read once per batch.
struct SendMaterial: Sendable {
    struct Account: Sendable {
        var phoneNumberID: String
        var baseURL: String
        var token: String
        var rate: Int
        /// Why the account cannot send now, or nil.
        var refusal: String?
    }

    var messages: [UUID: OutgoingMessage] = [:]
    var accounts: [UUID: Account] = [:]

    static func load(_ claimed: [ClaimedSend], secrets: SecretStore, endpoints: ProviderEndpoints, on db: Database) async throws -> SendMaterial {
        var material = SendMaterial()
        let rows = try await Message.query(on: db).filter(\.$id ~~ claimed.map(\.messageID)).all()
        for row in rows {
            guard let id = row.id, let body = try? JSONDecoder().decode(OutgoingMessage.self, from: Data(row.content.utf8)) else { continue }
            material.messages[id] = body
        }
        let accounts = try await WhatsAppAccount.query(on: db).filter(\.$id ~~ Set(claimed.map(\.accountID))).all()
        let tokenIDs = accounts.compactMap(\.accessTokenSecretID)
        let stored = tokenIDs.isEmpty ? [] : try await StoredSecret.query(on: db).filter(\.$id ~~ tokenIDs).all()
        for account in accounts {
            guard let id = account.id else { continue }
            let token = try stored.first { $0.id == account.accessTokenSecretID }.map { try secrets.reveal($0) }
            let baseURL = endpoints.graphBaseURL(for: account.provider)
            var refusal = try AccountCandidate(account).unusableReason
            if token == nil { refusal = refusal ?? "the account has no access token" }
            if baseURL == nil || account.phoneNumberID == nil { refusal = refusal ?? "\(account.provider.rawValue) accounts do not send through the Graph API" }
            material.accounts[id] = Account(phoneNumberID: account.phoneNumberID ?? "", baseURL: baseURL ?? "", token: token ?? "", rate: account.messagesPerSecond, refusal: refusal)
        }
        return material
    }
}
