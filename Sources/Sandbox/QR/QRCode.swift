/// A QR code (ISO/IEC 18004) in byte mode, versions 1 to 10, error correction L or M: enough for the
/// pairing strings an Evolution API `connect` answer carries (around 150 to 250 bytes).
public struct QRCode: Sendable {
    public enum ErrorCorrection: Sendable, CaseIterable {
        case low, medium

        /// The two bits the format information carries (L is 01, M is 00).
        public var formatBits: Int { self == .low ? 1 : 0 }
    }

    public struct TooLong: Error, CustomStringConvertible {
        public let byteCount: Int
        public var description: String { "\(byteCount) bytes do not fit a version 10 QR code" }
    }

    public let version: Int
    public let errorCorrection: ErrorCorrection
    /// The mask pattern (0...7) chosen for the lowest penalty.
    public let mask: Int
    /// Modules per side: 17 + 4 × version.
    public let size: Int
    private var modules: [Bool]

    /// True for a dark module; coordinates outside the symbol are light (the quiet zone).
    public func isDark(x: Int, y: Int) -> Bool {
        (0..<size).contains(x) && (0..<size).contains(y) && modules[y * size + x]
    }

    /// Encodes `data` in the smallest version that holds it.
    public init(encoding data: [UInt8], errorCorrection: ErrorCorrection = .medium) throws(TooLong) {
        guard let version = (1...10).first(where: { Self.capacityBits(version: $0, errorCorrection) >= Self.bitsNeeded(data.count, version: $0) })
        else { throw TooLong(byteCount: data.count) }
        let codewords = Self.codewords(for: data, version: version, errorCorrection: errorCorrection)

        var grid = Grid(size: 17 + 4 * version)
        grid.drawFunctionPatterns(version: version)
        grid.place(codewords)
        // Try all eight masks and keep the cheapest, as the standard asks.
        var best: (penalty: Int, mask: Int, grid: Grid)?
        for mask in 0..<8 {
            var candidate = grid
            candidate.apply(mask: mask)
            candidate.drawFormat(errorCorrection: errorCorrection, mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (penalty, mask, candidate) }
        }
        self.version = version
        self.errorCorrection = errorCorrection
        self.mask = best!.mask
        self.size = grid.size
        self.modules = best!.grid.dark
    }

    /// The 15 format bits for an error-correction level and mask: 5 data bits, a BCH(15,5) code, XOR 0x5412.
    public static func formatBits(_ errorCorrection: ErrorCorrection, mask: Int) -> Int {
        let data = errorCorrection.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        return (data << 10 | remainder) ^ 0x5412
    }

    // MARK: Data codewords

    /// Error-correction codewords per block and (block count, data codewords per block) groups, per version.
    private struct BlockLayout {
        let ecPerBlock: Int
        let groups: [(count: Int, data: Int)]
        var dataCodewords: Int { groups.reduce(0) { $0 + $1.count * $1.data } }
    }

    private static let layouts: [ErrorCorrection: [BlockLayout]] = [
        .low: [
            .init(ecPerBlock: 7, groups: [(1, 19)]), .init(ecPerBlock: 10, groups: [(1, 34)]),
            .init(ecPerBlock: 15, groups: [(1, 55)]), .init(ecPerBlock: 20, groups: [(1, 80)]),
            .init(ecPerBlock: 26, groups: [(1, 108)]), .init(ecPerBlock: 18, groups: [(2, 68)]),
            .init(ecPerBlock: 20, groups: [(2, 78)]), .init(ecPerBlock: 24, groups: [(2, 97)]),
            .init(ecPerBlock: 30, groups: [(2, 116)]), .init(ecPerBlock: 18, groups: [(2, 68), (2, 69)]),
        ],
        .medium: [
            .init(ecPerBlock: 10, groups: [(1, 16)]), .init(ecPerBlock: 16, groups: [(1, 28)]),
            .init(ecPerBlock: 26, groups: [(1, 44)]), .init(ecPerBlock: 18, groups: [(2, 32)]),
            .init(ecPerBlock: 24, groups: [(2, 43)]), .init(ecPerBlock: 16, groups: [(4, 27)]),
            .init(ecPerBlock: 18, groups: [(4, 31)]), .init(ecPerBlock: 22, groups: [(2, 38), (2, 39)]),
            .init(ecPerBlock: 22, groups: [(3, 36), (2, 37)]), .init(ecPerBlock: 26, groups: [(4, 43), (1, 44)]),
        ],
    ]

    private static func capacityBits(version: Int, _ errorCorrection: ErrorCorrection) -> Int {
        layouts[errorCorrection]![version - 1].dataCodewords * 8
    }

    /// Mode indicator, character count (8 bits up to version 9, 16 from 10) and the bytes.
    private static func bitsNeeded(_ byteCount: Int, version: Int) -> Int {
        4 + (version <= 9 ? 8 : 16) + byteCount * 8
    }

    /// The final codeword sequence: data split into blocks, each block's error correction appended, both
    /// interleaved column by column.
    private static func codewords(for data: [UInt8], version: Int, errorCorrection: ErrorCorrection) -> [UInt8] {
        let layout = layouts[errorCorrection]![version - 1]
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(data.count, count: version <= 9 ? 8 : 16)
        for byte in data { bits.append(Int(byte), count: 8) }
        let capacity = layout.dataCodewords * 8
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var dataCodewords = bits.bytes
        var pad: UInt8 = 0xEC
        while dataCodewords.count < layout.dataCodewords {
            dataCodewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }

        var blocks: [[UInt8]] = []
        var offset = 0
        for group in layout.groups {
            for _ in 0..<group.count {
                blocks.append(Array(dataCodewords[offset..<offset + group.data]))
                offset += group.data
            }
        }
        let corrections = blocks.map { ReedSolomon.remainder(of: $0, degree: layout.ecPerBlock) }
        var result: [UInt8] = []
        for index in 0..<(blocks.map(\.count).max() ?? 0) {
            for block in blocks where index < block.count { result.append(block[index]) }
        }
        for index in 0..<layout.ecPerBlock {
            for correction in corrections { result.append(correction[index]) }
        }
        return result
    }

    private struct BitBuffer {
        private(set) var bits: [Bool] = []
        var count: Int { bits.count }

        mutating func append(_ value: Int, count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }

        var bytes: [UInt8] {
            stride(from: 0, to: bits.count, by: 8).map { start in
                (0..<8).reduce(UInt8(0)) { $0 << 1 | (bits[start + $1] ? 1 : 0) }
            }
        }
    }
}

/// The module grid while it is built: colours, and which modules are function patterns (never masked).
private struct Grid {
    let size: Int
    var dark: [Bool]
    var isFunction: [Bool]

    init(size: Int) {
        self.size = size
        dark = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
    }

    subscript(x: Int, y: Int) -> Bool {
        get { dark[y * size + x] }
        set { dark[y * size + x] = newValue }
    }

    mutating func setFunction(_ x: Int, _ y: Int, _ value: Bool) {
        self[x, y] = value
        isFunction[y * size + x] = true
    }

    static let alignmentCenters: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
    ]

    mutating func drawFunctionPatterns(version: Int) {
        for index in 0..<size {
            setFunction(6, index, index % 2 == 0)
            setFunction(index, 6, index % 2 == 0)
        }
        drawFinder(centerX: 3, centerY: 3)
        drawFinder(centerX: size - 4, centerY: 3)
        drawFinder(centerX: 3, centerY: size - 4)
        let centers = Self.alignmentCenters[version - 1]
        for (i, x) in centers.enumerated() {
            for (j, y) in centers.enumerated() {
                let last = centers.count - 1
                // The three corners that overlap finder patterns get no alignment pattern.
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { setFunction(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        // Reserve the format areas (drawn per mask later) and draw the version blocks.
        drawFormat(errorCorrection: .medium, mask: 0)
        if version >= 7 {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for index in 0..<18 {
                let bit = (bits >> index) & 1 == 1
                let a = size - 11 + index % 3
                let b = index / 3
                setFunction(a, b, bit)
                setFunction(b, a, bit)
            }
        }
    }

    /// A 7×7 finder with its one-module light separator.
    private mutating func drawFinder(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centerX + dx
                let y = centerY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let distance = max(abs(dx), abs(dy))
                setFunction(x, y, distance != 2 && distance != 4)
            }
        }
    }

    /// Both copies of the format information, and the always-dark module beside the lower copy.
    mutating func drawFormat(errorCorrection: QRCode.ErrorCorrection, mask: Int) {
        let bits = QRCode.formatBits(errorCorrection, mask: mask)
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { setFunction(8, index, bit(index)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for index in 9..<15 { setFunction(14 - index, 8, bit(index)) }
        for index in 0..<8 { setFunction(size - 1 - index, 8, bit(index)) }
        for index in 8..<15 { setFunction(8, size - 15 + index, bit(index)) }
        setFunction(8, size - 8, true)
    }

    /// Codeword bits in the standard zigzag: two-module columns from the right, alternately upwards and
    /// downwards, skipping the vertical timing pattern. Leftover remainder bits stay light.
    mutating func place(_ codewords: [UInt8]) {
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for offset in 0..<2 {
                    let x = right - offset
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    guard !isFunction[y * size + x], bitIndex < codewords.count * 8 else { continue }
                    self[x, y] = (codewords[bitIndex >> 3] >> UInt8(7 - bitIndex & 7)) & 1 == 1
                    bitIndex += 1
                }
            }
            right -= 2
        }
    }

    mutating func apply(mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] {
                let flip: Bool
                switch mask {
                case 0: flip = (x + y) % 2 == 0
                case 1: flip = y % 2 == 0
                case 2: flip = x % 3 == 0
                case 3: flip = (x + y) % 3 == 0
                case 4: flip = (x / 3 + y / 2) % 2 == 0
                case 5: flip = x * y % 2 + x * y % 3 == 0
                case 6: flip = (x * y % 2 + x * y % 3) % 2 == 0
                default: flip = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if flip { self[x, y].toggle() }
            }
        }
    }

    /// The standard's four penalty rules: long runs, 2×2 blocks, finder-like patterns, dark/light balance.
    func penalty() -> Int {
        var total = 0
        let lines: [[Bool]] = (0..<size).map { y in (0..<size).map { self[$0, y] } }
            + (0..<size).map { x in (0..<size).map { self[x, $0] } }
        let finderLike: [[Bool]] = [
            [true, false, true, true, true, false, true, false, false, false, false],
            [false, false, false, false, true, false, true, true, true, false, true],
        ]
        for line in lines {
            var run = 1
            for index in 1..<line.count {
                if line[index] == line[index - 1] {
                    run += 1
                } else {
                    if run >= 5 { total += 3 + run - 5 }
                    run = 1
                }
            }
            if run >= 5 { total += 3 + run - 5 }
            if line.count >= 11 {
                for start in 0...(line.count - 11) where finderLike.contains(where: { Array(line[start..<start + 11]) == $0 }) {
                    total += 40
                }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let color = self[x, y]
                if self[x + 1, y] == color && self[x, y + 1] == color && self[x + 1, y + 1] == color { total += 3 }
            }
        }
        let darkCount = dark.filter { $0 }.count
        let cells = size * size
        total += ((abs(darkCount * 20 - cells * 10) + cells - 1) / cells - 1) * 10
        return total
    }
}
