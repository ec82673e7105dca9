import Foundation

/// Pacing as plain arithmetic over times in unix seconds, so the rules are testable without a database.
/// The state it works on lives in `send_pacing` and `pair_pacing`, shared by every dispatcher process.
enum SendPacing {
    /// Meta's pair rate is about one message per 6 s from one number to one user, with bursts of up to 45
    /// that borrow from future quota (facts §5). We allow bursts of 20: enough for a conversation's quick
    /// replies, and well inside the burst Meta tolerates, so 131056 stays rare.
    static let pairInterval = 6.0
    static let pairBurst = 20

    /// The earliest send time for the next message to one recipient, and the new theoretical arrival time
    /// (GCRA: a burst of `burst` at once, then one per `interval`).
    static func pairSlot(theoreticalArrival: Double?, now: Double, interval: Double = pairInterval,
                         burst: Int = pairBurst) -> (sendAt: Double, theoreticalArrival: Double) {
        let arrival = max(theoreticalArrival ?? now, now)
        let tolerance = Double(max(burst, 1) - 1) * interval
        return (max(now, arrival - tolerance), arrival + interval)
    }

    /// The time between two slots of an account.
    static func interval(rate: Int, lateness: Double) -> Double {
        (1 + lateness) / Double(max(rate, 1))
    }

    /// Evenly spaced send slots for up to `wanted` messages of one account, starting at the account's next
    /// free slot, and only those that fall before `now + horizon` (the rest wait for a later claim, so a backlog
    /// of one account never holds rows it cannot send soon).
    ///
    /// A message goes out at its slot or at most `lateness` seconds after it (a later one is given back and
    /// slotted again). Slots are therefore `(1 + lateness) / rate` apart: a one-second window then holds sends
    /// of slots in a span of `1 + lateness` seconds, which is at most `rate` slots. The rate holds in every
    /// window, across every process sharing the account, at the cost of `lateness` of the throughput.
    static func accountSlots(nextSlot: Double, now: Double, rate: Int, wanted: Int, horizon: Double,
                             lateness: Double) -> (slots: [Double], nextSlot: Double) {
        let interval = interval(rate: rate, lateness: lateness)
        let start = max(nextSlot, now)
        // Slots strictly before the horizon's end (the small epsilon keeps float error from adding one).
        let room = Int(((now + horizon - start) / interval - 1e-9).rounded(.up))
        let count = min(wanted, max(0, room))
        let slots = (0..<count).map { start + Double($0) * interval }
        return (slots, start + Double(count) * interval)
    }
}
