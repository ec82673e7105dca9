import Foundation

/// How a dispatcher works; the defaults suit production, tests shorten the waits.
public struct DispatchSettings: Sendable {
    /// Concurrent claim-send-commit loops in one process.
    public var lanes = 2
    /// Outbox rows one claim takes at most.
    public var batchSize = 200
    /// How far ahead (seconds) a claim reserves an account's send slots.
    public var horizon = 0.5
    /// How late (seconds) a message may reach the provider after its slot: also the share of an account's rate
    /// given up so the rate holds strictly (see `SendPacing`). Half of it is for the dispatcher to start the
    /// request (later, the message takes a new slot), half for the request's way to the provider.
    public var lateness = 0.04
    /// Time between a claim and its first slot, for reading what the batch needs.
    public var lead = 0.05
    /// How long a claim is ours (seconds); after it, another dispatcher takes the row over.
    public var lease = 60.0
    /// Pause between claims that found nothing (seconds).
    public var idlePoll = 0.05
    /// Deadline of one send call to the provider.
    public var sendTimeout: Duration = .seconds(20)
    var retry = SendRetryPolicy.Settings()

    public init() {}

    /// Test settings: quick retries.
    public static func fast(retryBaseDelay: Double = 0.05) -> DispatchSettings {
        var settings = DispatchSettings()
        settings.retry.baseDelay = retryBaseDelay
        settings.retry.maxDelay = 1
        settings.idlePoll = 0.01
        // Many test apps share two cores; a wide lateness keeps sends from missing their slots over and over.
        settings.lateness = 0.25
        return settings
    }
}
