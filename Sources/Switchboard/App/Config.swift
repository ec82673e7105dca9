import Foundation
import Logging

/// The one typed configuration of a Switchboard process, read once at start.
/// It is the only place that reads the environment.
public struct SwitchboardConfig: Sendable {
    public enum Database: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    public enum MasterKeySource: Sendable, Equatable {
        /// `SWITCHBOARD_MASTER_KEY` (and optionally `SWITCHBOARD_PREVIOUS_MASTER_KEYS`).
        case environment(current: Data, previous: [Data])
        /// A key ring file in the data directory, created on first start.
        case file(path: String)
    }

    public var dataDirectory: String
    public var database: Database
    public var masterKey: MasterKeySource
    public var publicURL: URL?
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    public var adminEmail: String?
    public var adminPassword: String?
    /// Meta's Graph API, for Cloud API accounts.
    public var graphURL = "https://graph.facebook.com"
    /// Where the emulator listens when `serve` starts it in-process, or where it runs when it does not.
    public var sandboxURL = "http://127.0.0.1:8090"
    /// Whether `serve` starts the emulator in-process: on by default with SQLite, off with PostgreSQL.
    public var embeddedSandbox = true
    /// bcrypt cost; lowered only by tests.
    public var passwordCost: Int = 12
    /// A PostgreSQL schema to use instead of `public`; tests give each test its own.
    public var postgresSchema: String?
    /// Connections per event loop in the database pool.
    public var databasePoolSize: Int = 4
    /// Outbox dispatch loops `serve` runs in-process; 0 leaves sending to `switchboard worker`.
    public var dispatchLanes: Int = 2
    /// Which addresses workspace webhook endpoints may reach.
    public var webhookTargets: WebhookTargets = .publicOnly

    /// True when the dashboard is served over https, so cookies get `Secure`.
    public var secureCookies: Bool { publicURL?.scheme == "https" }

    public init(
        dataDirectory: String, database: Database, masterKey: MasterKeySource, publicURL: URL? = nil,
        host: String = "127.0.0.1", port: Int = 8080, logLevel: Logger.Level = .info,
        adminEmail: String? = nil, adminPassword: String? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.database = database
        self.masterKey = masterKey
        self.publicURL = publicURL
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.adminEmail = adminEmail
        self.adminPassword = adminPassword
    }
}

/// A configuration value that is wrong: printed as one line naming the variable, never with a secret value.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let variable: String
    public let problem: String
    public var description: String { "\(variable): \(problem)" }
}

extension SwitchboardConfig {
    /// Reads and validates the environment. A value that was given and is wrong is an error, never a default.
    public static func load(environment env: [String: String], workingDirectory: String) throws(ConfigError) -> SwitchboardConfig {
        func given(_ name: String) -> String? {
            guard let value = env[name] else { return nil }
            return value
        }

        let dataDirectory: String
        if let dir = given("SWITCHBOARD_DATA_DIR") {
            guard !dir.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConfigError(variable: "SWITCHBOARD_DATA_DIR", problem: "must not be empty")
            }
            dataDirectory = dir.hasPrefix("/") ? dir : workingDirectory + "/" + dir
        } else {
            dataDirectory = workingDirectory + "/switchboard-data"
        }

        let database: Database
        if let url = given("DATABASE_URL") {
            guard let components = URLComponents(string: url), let scheme = components.scheme else {
                throw ConfigError(variable: "DATABASE_URL", problem: "is not a URL (expected postgres://user:pass@host:port/db)")
            }
            switch scheme {
            case "postgres", "postgresql":
                guard let host = components.host, !host.isEmpty else {
                    throw ConfigError(variable: "DATABASE_URL", problem: "has no host")
                }
                guard components.path.count > 1 else {
                    throw ConfigError(variable: "DATABASE_URL", problem: "has no database name")
                }
                database = .postgres(url: url)
            case "sqlite":
                let path = String(url.dropFirst("sqlite://".count))
                guard !path.isEmpty else { throw ConfigError(variable: "DATABASE_URL", problem: "sqlite:// needs a file path") }
                database = .sqlite(path: path)
            default:
                throw ConfigError(variable: "DATABASE_URL", problem: "scheme '\(scheme)' is not supported (use postgres:// or sqlite://)")
            }
        } else {
            database = .sqlite(path: dataDirectory + "/switchboard.sqlite")
        }

        let masterKey: MasterKeySource
        if let raw = given("SWITCHBOARD_MASTER_KEY") {
            let current = try decodeKey(raw, variable: "SWITCHBOARD_MASTER_KEY")
            var previous: [Data] = []
            if let list = given("SWITCHBOARD_PREVIOUS_MASTER_KEYS") {
                for item in list.split(separator: ",") {
                    previous.append(try decodeKey(String(item), variable: "SWITCHBOARD_PREVIOUS_MASTER_KEYS"))
                }
            }
            masterKey = .environment(current: current, previous: previous)
        } else {
            if given("SWITCHBOARD_PREVIOUS_MASTER_KEYS") != nil {
                throw ConfigError(variable: "SWITCHBOARD_PREVIOUS_MASTER_KEYS", problem: "needs SWITCHBOARD_MASTER_KEY as well")
            }
            masterKey = .file(path: dataDirectory + "/master.key")
        }

        func httpURL(_ name: String) throws(ConfigError) -> URL? {
            guard let raw = given(name) else { return nil }
            guard let url = URL(string: raw), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw ConfigError(variable: name, problem: "must be an absolute http:// or https:// URL")
            }
            return url
        }
        let publicURL = try httpURL("SWITCHBOARD_PUBLIC_URL")
        let graphURL = try httpURL("SWITCHBOARD_GRAPH_URL")
        let sandboxURL = try httpURL("SWITCHBOARD_SANDBOX_URL")

        let host = given("HOST") ?? "127.0.0.1"
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else {
            throw ConfigError(variable: "HOST", problem: "must be a host name or address")
        }

        var port = 8080
        if let raw = given("PORT") {
            guard let value = Int(raw), (1...65535).contains(value) else {
                throw ConfigError(variable: "PORT", problem: "must be an integer from 1 to 65535 (got '\(raw.prefix(20))')")
            }
            port = value
        }

        var logLevel = Logger.Level.info
        if let raw = given("LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigError(variable: "LOG_LEVEL", problem: "must be one of \(names) (got '\(raw.prefix(20))')")
            }
            logLevel = level
        }

        var config = SwitchboardConfig(
            dataDirectory: dataDirectory, database: database, masterKey: masterKey, publicURL: publicURL,
            host: host, port: port, logLevel: logLevel)
        if let graphURL { config.graphURL = graphURL.absoluteString.trimmingSuffix("/") }
        if let sandboxURL { config.sandboxURL = sandboxURL.absoluteString.trimmingSuffix("/") }
        switch given("SWITCHBOARD_SANDBOX")?.lowercased() {
        case nil: config.embeddedSandbox = !database.isPostgres
        case "on", "true", "1": config.embeddedSandbox = true
        case "off", "false", "0": config.embeddedSandbox = false
        case let other?: throw ConfigError(variable: "SWITCHBOARD_SANDBOX", problem: "must be on or off (got '\(other.prefix(20))')")
        }
        if let raw = given("SWITCHBOARD_DISPATCHERS") {
            guard let lanes = Int(raw), (0...16).contains(lanes) else {
                throw ConfigError(variable: "SWITCHBOARD_DISPATCHERS", problem: "must be a whole number from 0 to 16 (got '\(raw.prefix(20))')")
            }
            config.dispatchLanes = lanes
        }
        if let raw = given(WebhookTargets.variable) {
            guard let targets = WebhookTargets(rawValue: raw.lowercased()) else {
                throw ConfigError(variable: WebhookTargets.variable, problem: "must be public or any (got '\(raw.prefix(20))')")
            }
            config.webhookTargets = targets
        }
        try config.setAdmin(email: given("SWITCHBOARD_ADMIN_EMAIL"), password: given("SWITCHBOARD_ADMIN_PASSWORD"),
                            emailName: "SWITCHBOARD_ADMIN_EMAIL", passwordName: "SWITCHBOARD_ADMIN_PASSWORD")
        return config
    }

    /// Sets the first owner's credentials, checked the same way whether they come from flags or the environment.
    public mutating func setAdmin(email: String?, password: String?, emailName: String, passwordName: String) throws(ConfigError) {
        if let email {
            guard EmailAddress.isValid(email) else { throw ConfigError(variable: emailName, problem: "is not an email address") }
            adminEmail = EmailAddress.normalize(email)
        }
        if let password {
            guard PasswordPolicy.isAcceptable(password) else {
                throw ConfigError(variable: passwordName, problem: "must be \(PasswordPolicy.minimumLength) to \(PasswordPolicy.maximumLength) characters")
            }
            adminPassword = password
        }
    }

    private static func decodeKey(_ raw: String, variable: String) throws(ConfigError) -> Data {
        guard let data = Data(base64Encoded: raw.trimmingCharacters(in: .whitespaces)) else {
            throw ConfigError(variable: variable, problem: "must be base64 (of 32 random bytes)")
        }
        guard data.count == 32 else {
            throw ConfigError(variable: variable, problem: "must decode to 32 bytes (got \(data.count))")
        }
        return data
    }
}

extension SwitchboardConfig.Database {
    public var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
