import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
@testable import Switchboard
import Testing
import Vapor
import VaporTesting

/// A clock tests can move.
final class TestClock: Sendable {
    private let time = NIOLockedValueBox(Date(timeIntervalSince1970: 1_790_000_000))
    var now: Date { time.withLockedValue { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
    var client: Clock { Clock { [self] in now } }
}

/// Every log line of the test process, so a test can look for a secret in them.
enum LogCapture {
    static let lines = NIOLockedValueBox<[String]>([])
    static let installed: Void = {
        LoggingSystem.bootstrap { label in CapturingHandler(label: label) }
    }()

    static func contains(_ text: String) -> Bool {
        lines.withLockedValue { $0.contains { $0.contains(text) } }
    }

    struct CapturingHandler: LogHandler {
        let label: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            let all = metadata.merging(extra ?? [:]) { _, new in new }
            LogCapture.lines.withLockedValue { $0.append("\(level) \(label) \(message) \(all)") }
        }
    }
}

/// Bounds how many apps run at once, so a parallel test run stays within database connection limits.
actor TestGate {
    static let shared = TestGate(limit: 6)
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    init(limit: Int) { self.limit = limit }

    func enter() async {
        if running < limit { running += 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }
}

/// Builds a fresh app on a fresh database (a new SQLite file, or a new PostgreSQL schema when
/// `DATABASE_URL` is set), runs the test, and tears it all down.
/// `adjust` changes the configuration before the app starts.
func withTestApp<T>(clock: TestClock? = nil, adjust: (inout SwitchboardConfig) -> Void = { _ in },
                    _ test: (Application) async throws -> T) async throws -> T {
    _ = LogCapture.installed
    await TestGate.shared.enter()
    defer { Task { await TestGate.shared.leave() } }

    let id = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-test-\(id)").path
    var config = SwitchboardConfig(
        dataDirectory: directory,
        database: .sqlite(path: directory + "/test.sqlite"),
        masterKey: .environment(current: Data(RandomSource.system.bytes(32)), previous: []))
    if let url = ProcessInfo.processInfo.environment["DATABASE_URL"] {
        config.database = .postgres(url: url)
        config.postgresSchema = "t_\(id)"
        config.databasePoolSize = 2
    }
    config.passwordCost = 4
    config.logLevel = .trace
    // Tests receive events on loopback servers; WebhookTargetsTests checks the default.
    config.webhookTargets = .any
    adjust(&config)

    if let schema = config.postgresSchema, case .postgres(let url) = config.database {
        try await PostgresSchemas.create(schema, url: url)
    }
    let app = try await Application.make(.testing)
    let clients = SwitchboardClients(clock: clock?.client ?? .system, random: .system)
    do {
        try await configure(app, config: config, clients: clients)
        try await app.prepareDatabase()
        let result = try await test(app)
        try await cleanUp(app, config: config, directory: directory)
        return result
    } catch {
        try? await cleanUp(app, config: config, directory: directory)
        throw error
    }
}

private func cleanUp(_ app: Application, config: SwitchboardConfig, directory: String) async throws {
    try await app.asyncShutdown()
    if let schema = config.postgresSchema, case .postgres(let url) = config.database {
        try? await PostgresSchemas.drop(schema, url: url)
    }
    try? FileManager.default.removeItem(atPath: directory)
}
