import Foundation

/// When a failed delivery is tried again: exponential backoff with full jitter (so endpoints coming back
/// up are not hit by every delivery at once), capped, until the delivery's retry window closes.
public struct EventRetryPolicy: Sendable, Equatable {
    public var base: TimeInterval
    public var cap: TimeInterval
    /// How long after a delivery was created it may still be attempted.
    public var window: TimeInterval

    public static let standard = EventRetryPolicy(base: 5, cap: 3600, window: 24 * 3600)

    public init(base: TimeInterval, cap: TimeInterval, window: TimeInterval) {
        self.base = base
        self.cap = cap
        self.window = window
    }

    /// The most the delay after the `attempt`-th failed attempt (1-based) can be: base, 2·base, 4·base, … up to the cap.
    public func ceiling(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        return min(cap, base * pow(2, exponent))
    }

    /// The delay after the `attempt`-th failure, for `jitter` in [0, 1); at least a second, so a retry never spins.
    public func delay(afterAttempt attempt: Int, jitter: Double) -> TimeInterval {
        max(1, ceiling(afterAttempt: attempt) * min(max(jitter, 0), 1))
    }

    /// When to try next after the `attempt`-th failure at `now`, or nil when that would fall outside the window.
    public func nextAttempt(afterAttempt attempt: Int, createdAt: Date, now: Date, jitter: Double) -> Date? {
        let next = now.addingTimeInterval(delay(afterAttempt: attempt, jitter: jitter))
        return next < createdAt.addingTimeInterval(window) ? next : nil
    }
}
