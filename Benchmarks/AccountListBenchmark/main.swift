import Fluent
import Foundation
import SQLKit
import Switchboard
import Vapor

// Account list and search latency with 100,000 accounts in one workspace among 1,000 workspaces.
// Usage: swift run -c release AccountListBenchmark [--accounts N] [--workspaces N] [--iterations N] [--markdown FILE]
// DATABASE_URL selects PostgreSQL (a fresh schema is created and dropped); otherwise a fresh SQLite file.

struct Options {
    var accounts = 100_000
    var workspaces = 1_000
    var perOtherWorkspace = 20
    var iterations = 400
    var markdown: String?

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next() ?? ""
            switch flag {
            case "--accounts": accounts = Int(value) ?? accounts
            case "--workspaces": workspaces = Int(value) ?? workspaces
            case "--per-workspace": perOtherWorkspace = Int(value) ?? perOtherWorkspace
            case "--iterations": iterations = Int(value) ?? iterations
            case "--markdown": markdown = value
            default: print("unknown flag \(flag)"); exit(2)
            }
        }
    }
}

struct Measurement {
    var name: String
    var samples: [Double]
    func percentile(_ p: Double) -> Double {
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }
}

func measure(_ name: String, iterations: Int, _ body: (Int) async throws -> Void) async throws -> Measurement {
    for index in 0..<min(20, iterations) { try await body(index) }
    var samples: [Double] = []
    for index in 0..<iterations {
        let start = ContinuousClock.now
        try await body(index)
        let elapsed = ContinuousClock.now - start
        samples.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }
    return Measurement(name: name, samples: samples)
}

let options = Options(CommandLine.arguments)
LoggingSystem.bootstrap { label in var h = StreamLogHandler.standardError(label: label); h.logLevel = .error; return h }
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-bench-\(UUID())").path
var config = SwitchboardConfig(dataDirectory: directory, database: .sqlite(path: directory + "/bench.sqlite"),
                               masterKey: .environment(current: Data(repeating: 1, count: 32), previous: []))
let schema = "bench_\(UUID().uuidString.prefix(8).lowercased())"
if let url = ProcessInfo.processInfo.environment["DATABASE_URL"] {
    config.database = .postgres(url: url)
    config.postgresSchema = schema
}
config.logLevel = .error
let engine = config.database.isPostgres ? "PostgreSQL" : "SQLite"

if case .postgres(let url) = config.database { try await PostgresSchemas.create(schema, url: url) }
let app = try await Application.make(.production)
try await configure(app, config: config)
let sql = app.db as! SQLDatabase
try await app.prepareDatabase()

// Seed with multi-row inserts: the big workspace, then the others.
let seedStart = ContinuousClock.now
let now = Date()
var workspaceIDs: [UUID] = []
for chunk in stride(from: 0, to: options.workspaces, by: 500) {
    var rows: [[any SQLExpression]] = []
    for index in chunk..<min(chunk + 500, options.workspaces) {
        let id = UUID()
        workspaceIDs.append(id)
        rows.append([SQLBind(id), SQLBind("Workspace \(index)"), SQLBind("ws-\(index)"), SQLBind(now), SQLBind(now)])
    }
    let builder = sql.insert(into: "workspaces").columns("id", "name", "slug", "created_at", "updated_at")
    for row in rows { builder.values(row) }
    try await builder.run()
}
let big = workspaceIDs[0]
let small = workspaceIDs[1]
let columns = ["id", "workspace_id", "name", "name_key", "provider", "phone_number_id", "business_account_id", "display_phone_number",
               "search_text", "verify_token", "status", "is_active", "is_default", "is_platform", "owner_type", "created_at", "updated_at"]
func accountRows(_ workspace: UUID, count: Int, prefix: String) -> [[any SQLExpression]] {
    (0..<count).map { index in
        let name = "\(prefix) \(["Sales", "Support", "Billing", "Ops", "Berlin", "Lisbon", "Austin"][index % 7]) \(index)"
        let phone = String(100_000_000_000 + index)
        let display = "+1 555 \(String(format: "%07d", index))"
        let created = now.addingTimeInterval(Double(index / 3))  // every three rows share a creation time
        return [
            SQLBind(UUID()), SQLBind(workspace), SQLBind(name), SQLBind(name.lowercased()), SQLBind("cloud_api"), SQLBind(phone),
            SQLBind("102290129340398"), SQLBind(display), SQLBind("\(name.lowercased()) \(phone) \(display)"), SQLBind("verify"),
            SQLBind("active"), SQLBind(index % 10 != 0), SQLBind(false), SQLBind(false), SQLBind("workspace"), SQLBind(created), SQLBind(created),
        ]
    }
}
func insert(_ rows: [[any SQLExpression]]) async throws {
    for chunk in stride(from: 0, to: rows.count, by: 500) {
        let builder = sql.insert(into: "whatsapp_accounts").columns(columns)
        for row in rows[chunk..<min(chunk + 500, rows.count)] { builder.values(row) }
        try await builder.run()
    }
}
try await insert(accountRows(big, count: options.accounts, prefix: "Acct"))
for workspace in workspaceIDs.dropFirst() { try await insert(accountRows(workspace, count: options.perOtherWorkspace, prefix: "Other")) }
try await sql.raw("ANALYZE").run()
let seeded = try await sql.raw("SELECT COUNT(*) AS n FROM whatsapp_accounts").first()!.decode(column: "n", as: Int.self)
let seedTime = ContinuousClock.now - seedStart
print("\(engine): seeded \(seeded) accounts in \(options.workspaces) workspaces in \(seedTime)")

let accounts = AccountService(app)
var results: [Measurement] = []
let n = options.iterations

results.append(try await measure("baseline: SELECT 1 round trip", iterations: n) { _ in try await sql.raw("SELECT 1").run() })
results.append(try await measure("baseline: first page, workspace of \(options.perOtherWorkspace)", iterations: n) { _ in
    _ = try await accounts.list(AccountListQuery(), workspaceID: small, on: app.db)
})
results.append(try await measure("first page (createdAt desc)", iterations: n) { _ in
    _ = try await accounts.list(AccountListQuery(), workspaceID: big, on: app.db)
})
results.append(try await measure("first page (name asc)", iterations: n) { _ in
    _ = try await accounts.list(AccountListQuery(sortField: .name, sortOrder: .asc), workspaceID: big, on: app.db)
})
// Cursors spread through the whole list, so deep pages are measured too.
var cursors: [String] = []
var cursor: String?
for _ in 0..<200 {
    let page = try await accounts.list(AccountListQuery(limit: 100, cursor: cursor), workspaceID: big, on: app.db)
    guard let next = page.nextCursor else { break }
    cursors.append(next)
    cursor = next
}
results.append(try await measure("page via cursor (20 rows, up to 20,000 deep)", iterations: n) { index in
    _ = try await accounts.list(AccountListQuery(cursor: cursors[index % cursors.count]), workspaceID: big, on: app.db)
})
results.append(try await measure("inactive filter, first page", iterations: n) { _ in
    _ = try await accounts.list(AccountListQuery(isActive: false), workspaceID: big, on: app.db)
})
results.append(try await measure("search, common term (\"berlin\")", iterations: n) { _ in
    _ = try await accounts.list(AccountListQuery(search: "berlin"), workspaceID: big, on: app.db)
})
results.append(try await measure("search, one match (phone digits)", iterations: max(20, n / 4)) { index in
    _ = try await accounts.list(AccountListQuery(search: String(100_000_000_000 + (index * 7919) % options.accounts)), workspaceID: big, on: app.db)
})
results.append(try await measure("search, no match", iterations: max(20, n / 4)) { _ in
    _ = try await accounts.list(AccountListQuery(search: "zzzz-none"), workspaceID: big, on: app.db)
})

var plans: [String] = []
if config.database.isPostgres {
    // The statements AccountListQuery sends (one select with the secrets' last characters joined in).
    let select = "SELECT a.*, t.last4, e.last4 FROM whatsapp_accounts a LEFT JOIN secrets t ON t.id = a.access_token_secret_id LEFT JOIN secrets e ON e.id = a.evolution_api_key_secret_id WHERE a.workspace_id = $1 AND a.is_active = true"
    let queries = [
        ("first page", select + " ORDER BY a.created_at DESC, a.id DESC LIMIT 21"),
        ("name page", select + " ORDER BY a.name_key ASC, a.id ASC LIMIT 21"),
        ("cursor page", select + " AND (a.created_at, a.id) < (now(), '00000000-0000-0000-0000-000000000000') ORDER BY a.created_at DESC, a.id DESC LIMIT 21"),
    ]
    for (name, query) in queries {
        var lines: [String] = []
        for row in try await sql.raw("EXPLAIN \(unsafeRaw: query.replacingOccurrences(of: "$1", with: "'\(big.uuidString)'"))").all() {
            lines.append(try row.decode(column: "QUERY PLAN", as: String.self))
        }
        let plan = lines.joined(separator: "\n")
        let verdict = plan.contains("Seq Scan on whatsapp_accounts") ? "SEQUENTIAL SCAN" : "no sequential scan of whatsapp_accounts"
        let indexes = Set(plan.split(separator: " ").filter { $0.hasPrefix("ix_") || $0.hasPrefix("uq_") || $0.hasSuffix("_pkey") }).sorted()
        plans.append("\(name): \(verdict); indexes used: \(indexes.joined(separator: ", "))")
    }
}

var table = "| \(engine): query | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|\n"
for result in results {
    table += "| \(result.name) | \(String(format: "%.3f", result.percentile(0.5))) | \(String(format: "%.3f", result.percentile(0.99))) | \(String(format: "%.3f", result.samples.max() ?? 0)) |\n"
}
print(table)
for plan in plans { print("EXPLAIN \(plan)") }
if let path = options.markdown {
    var text = "### Accounts list and search on \(engine)\n\n\(seeded) accounts (\(options.accounts) in the measured workspace) in \(options.workspaces) workspaces; \(n) iterations each, in-process through `AccountService.list` (query and DTO mapping, no HTTP).\n\n" + table
    if !plans.isEmpty { text += "\nPostgreSQL plans (`EXPLAIN`):\n\n" + plans.map { "- \($0)" }.joined(separator: "\n") + "\n" }
    FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}
try await app.asyncShutdown()
if case .postgres(let url) = config.database { try await PostgresSchemas.drop(schema, url: url) }
try? FileManager.default.removeItem(atPath: directory)
