import FluentPostgresDriver
import Logging
import PostgresNIO

/// Creates and drops PostgreSQL schemas over a connection of their own, before any pooled connection
/// with that schema in its search path exists. Tests and benchmarks give each run a schema this way.
public enum PostgresSchemas {
    public static func create(_ name: String, url: String) async throws {
        try await run("CREATE SCHEMA \(try quoted(name))", url: url)
    }

    public static func drop(_ name: String, url: String) async throws {
        try await run("DROP SCHEMA IF EXISTS \(try quoted(name)) CASCADE", url: url)
    }

    private static func quoted(_ name: String) throws -> String {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw ConfigError(variable: "schema", problem: "must be lower-case letters, digits and _")
        }
        return "\"\(name)\""
    }

    private static func run(_ sql: String, url: String) async throws {
        let logger = Logger(label: "switchboard.schemas")
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
