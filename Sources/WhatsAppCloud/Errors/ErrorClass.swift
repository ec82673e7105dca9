/// What a caller should do about a failed Graph call. The single place that maps codes to behaviour.
public enum GraphErrorClass: Hashable, Sendable {
    /// Try again with backoff.
    case retryable
    /// A rate limit; try again after a delay, pacing the given scope.
    case throttled(scope: ThrottleScope)
    /// More than 24 h since the user last wrote (131047): only a template may be sent.
    case windowClosed
    /// The access token is expired or revoked (codes 0 and 190): get a new one before retrying.
    case reauthorize
    /// Retrying the same request will fail again.
    case permanent

    public enum ThrottleScope: Hashable, Sendable {
        /// The phone number's messages-per-second throughput (130429).
        case phoneNumber
        /// Messages from one business number to one user (131056).
        case pair
        /// The app's Graph call rate (4).
        case app
        /// The WhatsApp Business Account's management call rate (80007).
        case businessAccount
    }

    /// True when the same request may succeed later without changes.
    public var isRetryable: Bool {
        switch self {
        case .retryable, .throttled: true
        case .windowClosed, .reauthorize, .permanent: false
        }
    }

    /// Codes Meta describes as temporary: unknown/down (1, 2), "something went wrong" (131000), service
    /// unavailable (131016), maintenance mode (131057), registration server unavailable (133004).
    static let transientCodes: Set<Int> = [1, 2, 131000, 131016, 131057, 133004]

    /// Classifies by `code` first, as Meta advises, then by `is_transient` and the HTTP status.
    /// `httpStatus` is nil for errors that arrived in a webhook.
    public static func classify(httpStatus: Int?, error: GraphError?) -> GraphErrorClass {
        if let error {
            switch error.code {
            case 0, 190: return .reauthorize
            case 131047: return .windowClosed
            case 130429: return .throttled(scope: .phoneNumber)
            case 131056: return .throttled(scope: .pair)
            case 4: return .throttled(scope: .app)
            case 80007: return .throttled(scope: .businessAccount)
            case let code where transientCodes.contains(code): return .retryable
            default: break
            }
            if error.isTransient == true { return .retryable }
        } else if httpStatus == 401 {
            return .reauthorize
        } else if httpStatus == 408 || httpStatus == 429 {
            return .retryable
        }
        if let httpStatus, (500...599).contains(httpStatus) { return .retryable }
        return .permanent
    }
}
