import Fluent
import Foundation

/// Re-encrypts every stored secret that is not under the current key, one batch per transaction.
/// Safe to interrupt: a batch commits whole or not at all, old keys stay in the ring, and a re-run picks up what is left.
public struct KeyRotation: Sendable {
    public struct Report: Sendable, Equatable, CustomStringConvertible {
        public var reencrypted = 0
        public var batches = 0
        public var remaining = 0
        public var description: String {
            "re-encrypted \(reencrypted) secrets in \(batches) batches; \(remaining) left under older keys"
        }
    }

    public let store: SecretStore
    public let batchSize: Int

    public init(store: SecretStore, batchSize: Int = 500) {
        self.store = store
        self.batchSize = batchSize
    }

    /// Secrets still sealed with a key other than the current one.
    public func remaining(on db: Database) async throws -> Int {
        try await StoredSecret.query(on: db).filter(\.$keyID != store.box.currentKeyID).count()
    }

    /// Runs until nothing is left, or until `maxBatches` batches (tests use it to stop half-way).
    public func run(on db: Database, maxBatches: Int? = nil) async throws -> Report {
        var report = Report()
        while maxBatches.map({ report.batches < $0 }) ?? true {
            // PostgreSQL: the transaction that cannot hang on a connection the server closed.
            let work: @Sendable (any Database) async throws -> Int = { tx in
                let batch = try await StoredSecret.query(on: tx).filter(\.$keyID != store.box.currentKeyID)
                    .sort(\.$id).limit(batchSize).all()
                for secret in batch {
                    try await store.replace(secret, with: try store.reveal(secret), on: tx)
                }
                return batch.count
            }
            let done = try await db.isPostgres ? db.postgresTransaction(work) : db.transaction(work)
            if done == 0 { break }
            report.reencrypted += done
            report.batches += 1
        }
        report.remaining = try await remaining(on: db)
        return report
    }
}
