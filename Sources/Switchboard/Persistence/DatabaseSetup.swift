import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

extension Application {
    /// Points Fluent at SQLite or PostgreSQL and registers every migration.
    func configureDatabase(_ config: SwitchboardConfig) throws {
        switch config.database {
        case .sqlite(let path):
            let directory = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(10), dataEncoder: .init(), dataDecoder: .init(), sqlLogLevel: .trace), as: .sqlite)
            storage[WriteGateKey.self] = WriteGate()
        case .postgres(let url):
            var postgres = try SQLPostgresConfiguration(url: url)
            if let schema = config.postgresSchema { postgres.searchPath = [schema] }
            databases.use(.postgres(configuration: postgres, maxConnectionsPerEventLoop: config.databasePoolSize,
                                    connectionPoolTimeout: .seconds(10), sqlLogLevel: .trace), as: .psql)
        }
        for migration in Migrations.all { migrations.add(migration) }
    }

    /// Settings that make SQLite a good embedded database: WAL so readers never wait for the writer, and in WAL
    /// a sync at checkpoints rather than at every commit. The journal mode is kept in the file, but `synchronous`
    /// belongs to the connection: Fluent keeps one SQLite connection per event loop, opened on first use and never
    /// closed before shutdown, so each loop's connection is set here.
    func tuneDatabase() async throws {
        guard let sql = db as? SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        for eventLoop in eventLoopGroup.makeIterator() {
            guard let connection = databases.database(logger: logger, on: eventLoop) as? SQLDatabase else { continue }
            try await connection.raw("PRAGMA synchronous=NORMAL").run()
        }
    }
}

/// SQLite has one writer. Fluent keeps a connection per event loop, and two write transactions that both
/// start by reading can deadlock; so on SQLite, write transactions take turns in the process. Urgent ones
/// (recording what the provider already answered) go before the others that wait.
actor WriteGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var urgent: [CheckedContinuation<Void, Never>] = []

    func enter(urgent isUrgent: Bool = false) async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { continuation in
            if isUrgent { urgent.append(continuation) } else { waiting.append(continuation) }
        }
    }

    func leave() {
        if !urgent.isEmpty {
            urgent.removeFirst().resume()
        } else if !waiting.isEmpty {
            waiting.removeFirst().resume()
        } else {
            busy = false
        }
    }
}

struct WriteGateKey: StorageKey { typealias Value = WriteGate }

/// Runs work in one write transaction; on SQLite, one such transaction at a time in the process.
public struct Transactor: Sendable {
    let db: any Database
    let gate: WriteGate?
    var urgent = false

    /// The same, ahead of the other transactions waiting for SQLite's writer.
    var urgently: Transactor {
        var copy = self
        copy.urgent = true
        return copy
    }

    public func callAsFunction<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        // PostgreSQL: our own transaction, which cannot hang on a connection the server closed (see there).
        guard let gate else { return try await db.isPostgres ? db.postgresTransaction(work) : db.transaction(work) }
        await gate.enter(urgent: urgent)
        do {
            let result = try await db.transaction(work)
            await gate.leave()
            return result
        } catch {
            await gate.leave()
            throw error
        }
    }
}

extension Application {
    public var transactor: Transactor { Transactor(db: db, gate: storage[WriteGateKey.self]) }
}

extension Request {
    public var transactor: Transactor { Transactor(db: db, gate: application.storage[WriteGateKey.self]) }
}

extension Database {
    var sql: SQLDatabase { self as! SQLDatabase }
    var isPostgres: Bool { sql.dialect.name == "postgresql" }
}
