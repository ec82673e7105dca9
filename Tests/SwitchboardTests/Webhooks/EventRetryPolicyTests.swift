import Foundation
@testable import Switchboard
import Testing

@Suite("Event retry policy")
struct EventRetryPolicyTests {
    let policy = EventRetryPolicy.standard
    let created = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("the ceiling doubles from 5 seconds and stops at an hour")
    func ceiling() {
        #expect((1...6).map { policy.ceiling(afterAttempt: $0) } == [5, 10, 20, 40, 80, 160])
        #expect(policy.ceiling(afterAttempt: 10) == 2560)
        #expect(policy.ceiling(afterAttempt: 11) == 3600)
        #expect(policy.ceiling(afterAttempt: 1000) == 3600)
    }

    @Test("full jitter spreads the delay over [1 s, ceiling]")
    func jitter() {
        #expect(policy.delay(afterAttempt: 3, jitter: 0) == 1)
        #expect(policy.delay(afterAttempt: 3, jitter: 0.5) == 10)
        #expect(policy.delay(afterAttempt: 3, jitter: 0.999_999) < 20)
        #expect(policy.delay(afterAttempt: 30, jitter: 1) == 3600)
    }

    @Test("no next attempt once it would fall after 24 hours")
    func window() {
        let early = policy.nextAttempt(afterAttempt: 1, createdAt: created, now: created, jitter: 1)
        #expect(early == created.addingTimeInterval(5))
        let late = created.addingTimeInterval(24 * 3600 - 10)
        #expect(policy.nextAttempt(afterAttempt: 20, createdAt: created, now: late, jitter: 0) == late.addingTimeInterval(1))
        #expect(policy.nextAttempt(afterAttempt: 20, createdAt: created, now: late, jitter: 0.5) == nil)
        #expect(policy.nextAttempt(afterAttempt: 2, createdAt: created, now: created.addingTimeInterval(25 * 3600), jitter: 0) == nil)
    }
}
