import Fluent
import Foundation
import Logging
import Vapor

/// Group commit for verified deliveries. Deliveries queue while a batch is being written; the writer then takes
/// everything queued (at most `maxBatch`) and stores it in one transaction, passing the SQLite write gate once: the
/// common deliveries with set-based statements, the others one by one. Under load, batches form by themselves, and
/// a lone delivery goes straight through, so no timer is needed. Each caller is answered only after the transaction
/// holding its delivery commits. If a batch fails, each of its deliveries is stored again alone, so one bad
/// delivery fails only itself.
actor InboundBatcher {
    static let maxBatch = 64

    private struct Waiting {
        var delivery: VerifiedDelivery
        var answer: CheckedContinuation<StoredDelivery, any Error>
    }

    private let writer: Transactor
    private let logger: Logger
    private var queue: [Waiting] = []
    private var writing: Task<Void, Never>?
    private var stopped = false

    init(writer: Transactor, logger: Logger) {
        self.writer = writer
        self.logger = logger
    }

    /// How many deliveries wait for the writer to take them.
    var waiting: Int { queue.count }
    /// Whether a batch is being written (or the writer is about to take one).
    var isWriting: Bool { writing != nil }

    /// Stores the delivery with those queued beside it; returns once its transaction has committed.
    func store(_ delivery: VerifiedDelivery) async throws -> StoredDelivery {
        guard !stopped else {
            throw Problem(.serviceUnavailable, type: "shutting_down", detail: "The server is shutting down; the delivery was not stored.")
        }
        return try await withCheckedThrowingContinuation { answer in
            queue.append(Waiting(delivery: delivery, answer: answer))
            if writing == nil { writing = Task { await write() } }
        }
    }

    /// Takes no more deliveries, and returns once those already queued are stored.
    func stop() async {
        stopped = true
        await writing?.value
    }

    /// Stores batches until the queue is empty. While one is written, the deliveries arriving queue up for the next.
    private func write() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(Self.maxBatch))
            queue.removeFirst(batch.count)
            let results = await Self.store(batch.map(\.delivery), writer: writer, logger: logger)
            for (waiting, result) in zip(batch, results) { waiting.answer.resume(with: result) }
        }
        writing = nil
    }

    /// Each delivery's result: the whole batch in one transaction, or, when that fails, each delivery in its own.
    private static func store(_ batch: [VerifiedDelivery], writer: Transactor, logger: Logger) async -> [Result<StoredDelivery, any Error>] {
        do {
            return try await writer { db in try await storeTogether(batch, on: db) }.map { Result.success($0) }
        } catch {
            logger.notice("a batch of webhook deliveries failed; storing each alone",
                          metadata: ["deliveries": "\(batch.count)", "error": "\(String(describing: error))"])
            var results: [Result<StoredDelivery, any Error>] = []
            for delivery in batch {
                do {
                    results.append(.success(try await storeAlone(delivery, writer: writer, logger: logger)))
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    /// The common deliveries with set-based statements, then the others one by one, all in the caller's transaction.
    /// The results are in the order of `batch`.
    static func storeTogether(_ batch: [VerifiedDelivery], on db: Database) async throws -> [StoredDelivery] {
        var results = [StoredDelivery?](repeating: nil, count: batch.count)
        let common = batch.indices.compactMap { index in CommonDelivery(batch[index]).map { (index, $0) } }
        if !common.isEmpty {
            for (index, stored) in zip(common.map(\.0), try await CommonDeliveryStore.store(common.map(\.1), on: db)) { results[index] = stored }
        }
        for index in batch.indices where results[index] == nil { results[index] = try await batch[index].store(on: db) }
        return results.compactMap { $0 }
    }

    /// One delivery in its own transaction, statement by statement. When it raced another writer on a unique index,
    /// it is stored again (up to three times), and then sees the other's rows.
    static func storeAlone(_ delivery: VerifiedDelivery, writer: Transactor, logger: Logger) async throws -> StoredDelivery {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await writer { db in try await delivery.store(on: db) }
            } catch where attempt < 3 && UniqueViolation.index(of: error, among: VerifiedDelivery.raceIndexes) != nil {
                logger.debug("webhook delivery raced another; storing again", metadata: ["attempt": "\(attempt)"])
            }
        }
    }
}

struct InboundBatcherKey: StorageKey { typealias Value = InboundBatcher }

extension Application {
    /// The process's one batcher of inbound deliveries; `configure` creates it.
    var inboundBatcher: InboundBatcher {
        guard let batcher = storage[InboundBatcherKey.self] else { fatalError("configure(_:) has not run") }
        return batcher
    }

    /// Creates the batcher, writing through this app's database, and stops it when the app shuts down, once the
    /// deliveries it holds are stored.
    func useInboundBatcher() {
        storage[InboundBatcherKey.self] = InboundBatcher(writer: transactor, logger: logger)
        lifecycle.use(InboundBatcherLifecycle())
    }
}

private struct InboundBatcherLifecycle: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        await application.storage[InboundBatcherKey.self]?.stop()
    }
}
