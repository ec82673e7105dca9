/// SplitMix64: a small generator that gives the same sequence for the same seed, so fault injection is
/// reproducible in tests.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// True with probability `rate` (0 never, 1 always).
    public mutating func chance(_ rate: Double) -> Bool {
        rate > 0 && (rate >= 1 || Double.random(in: 0..<1, using: &self) < rate)
    }
}
