import Foundation
import WhatsAppCloud

/// What a dispatcher does after a failed send: the one place that turns an error class into an action.
enum SendRetryPolicy {
    enum Action: Equatable {
        /// Try again no earlier than `after` seconds from now.
        case retry(after: Double)
        /// The number's throughput is exhausted: hold the whole account for `seconds`, and retry this message.
        case pauseAccount(seconds: Double)
        /// The token no longer works: mark the account `reauth_required`; its queue waits until it is fixed.
        case reauthorize
        /// Never retry: fail the message with the error.
        case fail
    }

    struct Settings: Sendable {
        /// The first retry delay; each further attempt doubles it.
        var baseDelay: Double = 1
        var maxDelay: Double = 300
        /// Attempts in all, the first included. At 30% transient failures, 12 attempts all fail with
        /// probability 0.3^12 ≈ 5e-7 per message.
        var maxAttempts = 12
    }

    /// `attempts` counts the attempt that just failed (1 for the first). `jitter` is a uniform draw in 0..<1.
    static func action(for errorClass: GraphErrorClass, attempts: Int, jitter: Double, settings: Settings) -> Action {
        switch errorClass {
        case .permanent, .windowClosed:
            return .fail
        case .reauthorize:
            return .reauthorize
        case .retryable, .throttled:
            guard attempts < settings.maxAttempts else { return .fail }
            if case .throttled(scope: .phoneNumber) = errorClass {
                return .pauseAccount(seconds: backoff(attempts: attempts, jitter: jitter, settings: settings))
            }
            if case .throttled(scope: .pair) = errorClass {
                // Meta's advice for 131056: wait 4^x seconds (1, 4, 16, 64, ...).
                let seconds = min(pow(4, Double(attempts - 1)), settings.maxDelay)
                return .retry(after: seconds * (1 + 0.25 * jitter))
            }
            return .retry(after: backoff(attempts: attempts, jitter: jitter, settings: settings))
        }
    }

    /// Exponential backoff with "equal jitter": half the delay fixed, half random, so retries of many messages
    /// spread out but never come back at once.
    static func backoff(attempts: Int, jitter: Double, settings: Settings) -> Double {
        let exponential = min(settings.baseDelay * pow(2, Double(max(attempts - 1, 0))), settings.maxDelay)
        return exponential / 2 + exponential / 2 * jitter
    }
}
