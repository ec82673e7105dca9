import Foundation
@testable import Switchboard
import Testing
import WhatsAppCloud

@Suite("Pacing and retry rules")
struct SendRulesTests {
    @Test("account slots are 1/rate apart, start at the next free slot and stop at the horizon")
    func accountSlots() {
        let first = SendPacing.accountSlots(nextSlot: 0, now: 100, rate: 10, wanted: 50, horizon: 0.5, lateness: 0)
        #expect(first.slots.count == 5)
        #expect(first.slots.first == 100)
        #expect(abs(first.slots[1] - 100.1) < 1e-9)
        #expect(abs(first.nextSlot - 100.5) < 1e-9)
        // A claim a moment later continues where the last one stopped.
        let second = SendPacing.accountSlots(nextSlot: first.nextSlot, now: 100.2, rate: 10, wanted: 50, horizon: 0.5, lateness: 0)
        #expect(abs(second.slots.first! - 100.5) < 1e-9)
        #expect(second.slots.count == 2)
        // Nothing left in the horizon: nothing claimed, the pacing state unchanged.
        let none = SendPacing.accountSlots(nextSlot: 101, now: 100, rate: 10, wanted: 5, horizon: 0.5, lateness: 0)
        #expect(none.slots.isEmpty && none.nextSlot == 101)
    }

    @Test("sends up to the allowed lateness after their slots never put more than the rate in any one-second window")
    func rateWindows() {
        var generator = SystemRandomNumberGenerator()
        for rate in [20, 80, 1000] {
            var next = 0.0
            var sends: [Int64] = []
            var now = 1_000.0
            for _ in 0..<400 {
                let claim = SendPacing.accountSlots(nextSlot: next, now: now, rate: rate, wanted: 37, horizon: 0.5, lateness: 0.02)
                next = claim.nextSlot
                // Each goes out anywhere from on time to 20 ms late; in microseconds, so rounding cannot help.
                sends += claim.slots.map { Int64((($0 + Double.random(in: 0...0.02, using: &generator)) * 1_000_000).rounded(.down)) }
                now += 0.07
            }
            #expect(sends.count > 400)
            #expect(SendRigMath.maxInAnyWindow(sends.sorted(), windowMs: 1_000_000) <= rate, "rate \(rate)")
        }
    }

    @Test("the pair rate allows a burst, then one message per interval")
    func pairRate() {
        var arrival: Double?
        var times: [Double] = []
        for _ in 0..<(SendPacing.pairBurst + 3) {
            let slot = SendPacing.pairSlot(theoreticalArrival: arrival, now: 50)
            arrival = slot.theoreticalArrival
            times.append(slot.sendAt)
        }
        #expect(times.prefix(SendPacing.pairBurst).allSatisfy { $0 == 50 })
        #expect(Array(times.suffix(3)) == [56, 62, 68])
        // After a quiet spell the burst is available again.
        let later = SendPacing.pairSlot(theoreticalArrival: arrival, now: 50 + 10_000)
        #expect(later.sendAt == 50 + 10_000)
    }

    @Test("errors map to actions: permanent fails, reauth holds, retryable backs off with jitter up to a limit")
    func retryPolicy() {
        let settings = SendRetryPolicy.Settings()
        #expect(SendRetryPolicy.action(for: .permanent, attempts: 1, jitter: 0.5, settings: settings) == .fail)
        #expect(SendRetryPolicy.action(for: .windowClosed, attempts: 1, jitter: 0.5, settings: settings) == .fail)
        #expect(SendRetryPolicy.action(for: .reauthorize, attempts: 1, jitter: 0.5, settings: settings) == .reauthorize)
        #expect(SendRetryPolicy.action(for: .retryable, attempts: settings.maxAttempts, jitter: 0.5, settings: settings) == .fail)
        #expect(SendRetryPolicy.action(for: .throttled(scope: .phoneNumber), attempts: 1, jitter: 0, settings: settings) == .pauseAccount(seconds: 0.5))
        #expect(SendRetryPolicy.action(for: .throttled(scope: .pair), attempts: 3, jitter: 0, settings: settings) == .retry(after: 16))
        for attempt in 1..<settings.maxAttempts {
            let low = SendRetryPolicy.backoff(attempts: attempt, jitter: 0, settings: settings)
            let high = SendRetryPolicy.backoff(attempts: attempt, jitter: 0.999, settings: settings)
            let full = min(settings.baseDelay * pow(2, Double(attempt - 1)), settings.maxDelay)
            #expect(low == full / 2)
            #expect(high < full && high > low)
        }
    }

    @Test("Graph errors become results that keep Meta's code and text")
    func results() {
        let error = GraphClientError(kind: .graph, httpStatus: 400,
                                     graphError: GraphError(code: 131026, message: "Message undeliverable"), errorClass: .permanent)
        guard case .failed(let code, _, let detail) = OutboxDispatcher.result(of: error, attempt: 1, jitter: 0, settings: .init()) else {
            Issue.record("expected a failure")
            return
        }
        #expect(code == 131026)
        #expect(detail.contains("undeliverable"))
    }
}
