import Logging

/// How the sandbox behaves; everything has a default that suits interactive use.
public struct SandboxConfiguration: Sendable {
    public var webhookTiming: WebhookTiming
    public var webhookRetry: WebhookRetry
    /// Seeds fault injection and generated ids; nil picks a random seed.
    public var seed: UInt64?
    /// The global `apikey` of the Evolution API emulation (each instance also accepts its own token).
    public var evolutionAPIKey: String
    /// Sent messages kept per number for `GET /sandbox/numbers/{id}/sent`; the callback-data counts are
    /// kept in full whatever this limit.
    public var sentLogLimit: Int
    public var logger: Logger

    public init(
        webhookTiming: WebhookTiming = WebhookTiming(), webhookRetry: WebhookRetry = WebhookRetry(), seed: UInt64? = nil,
        evolutionAPIKey: String = "sandbox-evolution-key", sentLogLimit: Int = 10_000,
        logger: Logger = Logger(label: "switchboard.sandbox")
    ) {
        self.webhookTiming = webhookTiming
        self.webhookRetry = webhookRetry
        self.seed = seed
        self.evolutionAPIKey = evolutionAPIKey
        self.sentLogLimit = sentLogLimit
        self.logger = logger
    }
}

/// When the status webhooks of an accepted message go out, counted from the moment it was accepted.
public struct WebhookTiming: Sendable, Codable, Hashable {
    public var sentDelayMs: Int
    public var deliveredDelayMs: Int
    public var readDelayMs: Int
    /// Divides every delay (2 runs twice as fast).
    public var speedFactor: Double
    /// No delays at all, for benchmarks.
    public var instant: Bool
    /// Whether a `read` status follows `delivered` (users don't read everything).
    public var sendsReads: Bool

    public init(
        sentDelayMs: Int = 100, deliveredDelayMs: Int = 600, readDelayMs: Int = 2_000, speedFactor: Double = 1,
        instant: Bool = false, sendsReads: Bool = true
    ) {
        self.sentDelayMs = sentDelayMs
        self.deliveredDelayMs = deliveredDelayMs
        self.readDelayMs = readDelayMs
        self.speedFactor = speedFactor
        self.instant = instant
        self.sendsReads = sendsReads
    }

    /// Delays in the instant mode.
    public static let instant = WebhookTiming(instant: true)

    func scaled(milliseconds: Int) -> Duration {
        instant ? .zero : .milliseconds(Int64(Double(milliseconds) / max(speedFactor, 0.001)))
    }
}

/// Retrying a webhook the receiver did not accept (non-2xx or no answer), with exponential backoff as
/// Meta does (Meta keeps trying for days; a sandbox gives up sooner).
public struct WebhookRetry: Sendable, Hashable {
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var timeout: Duration

    public init(maxAttempts: Int = 4, initialBackoff: Duration = .milliseconds(250), timeout: Duration = .seconds(10)) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.timeout = timeout
    }
}
