import Foundation

/// Limits failed logins per email and per client address in a sliding window.
/// Kept in memory: a restart forgets it, and each node of a cluster counts on its own.
public actor LoginThrottle {
    public struct Limits: Sendable {
        public var perEmail = 5
        public var perAddress = 20
        public var window: TimeInterval = 15 * 60
        public init() {}
    }

    private let limits: Limits
    private let clock: Clock
    private var failures: [String: [Date]] = [:]

    public init(limits: Limits = Limits(), clock: Clock) {
        self.limits = limits
        self.clock = clock
    }

    /// Whether another attempt is allowed now.
    public func allows(email: String, address: String) -> Bool {
        let now = clock.now()
        return recent("email:\(email)", now: now) < limits.perEmail && recent("addr:\(address)", now: now) < limits.perAddress
    }

    public func recordFailure(email: String, address: String) {
        let now = clock.now()
        for key in ["email:\(email)", "addr:\(address)"] {
            failures[key, default: []].append(now)
        }
        if failures.count > 10_000 { failures = failures.filter { !$0.value.filter { now.timeIntervalSince($0) < limits.window }.isEmpty } }
    }

    public func recordSuccess(email: String) {
        failures["email:\(email)"] = nil
    }

    private func recent(_ key: String, now: Date) -> Int {
        failures[key]?.filter { now.timeIntervalSince($0) < limits.window }.count ?? 0
    }
}
