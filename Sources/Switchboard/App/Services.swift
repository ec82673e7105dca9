import Vapor

/// The side effects a Switchboard app uses, injected so tests control time and randomness.
public struct SwitchboardClients: Sendable {
    public var clock: Clock
    public var random: RandomSource
    public init(clock: Clock = .system, random: RandomSource = .system) {
        self.clock = clock
        self.random = random
    }
    public static let live = SwitchboardClients()
}

/// Everything the app built at start, in one place in `app.storage`.
public struct SwitchboardServices: Sendable {
    public let config: SwitchboardConfig
    public let clients: SwitchboardClients
    public let secrets: SecretStore
    public let metrics: SwitchboardMetrics
    public let loginThrottle: LoginThrottle
    public let passwords: PasswordHasher
    public let decisions: DecisionCache
    public let routingCandidates: RoutingCandidateCache
    public let endpoints: ProviderEndpoints
}

struct ServicesKey: StorageKey { typealias Value = SwitchboardServices }

extension Application {
    public var switchboard: SwitchboardServices {
        guard let services = storage[ServicesKey.self] else { fatalError("configure(_:) has not run") }
        return services
    }
}

extension Request {
    public var switchboard: SwitchboardServices { application.switchboard }
    public var clock: Clock { application.switchboard.clients.clock }
}

/// bcrypt with the configured cost; run off the event loop because it is slow on purpose.
public struct PasswordHasher: Sendable {
    public let cost: Int

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await Task.detached { try Bcrypt.hash(password, cost: cost) }.value
    }

    public func verify(_ password: String, hash: String) async -> Bool {
        await Task.detached { (try? Bcrypt.verify(password, created: hash)) ?? false }.value
    }
}
