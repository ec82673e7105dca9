import Testing

@testable import Sandbox

/// The QR matrix has the structures a scanner looks for: finder patterns, timing patterns, and format
/// (and version) information that decodes to the level and mask used.
@Suite struct QRCodeTests {
    /// The ISO 18004 example "HELLO WORLD" at 1-M: its data codewords and the published error correction.
    @Test func reedSolomonMatchesTheStandardsExample() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.remainder(of: data, degree: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test(arguments: [1, 20, 60, 120, 169, 213])
    func structureIsValid(length: Int) throws {
        let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        let code = try QRCode(encoding: data, errorCorrection: .medium)
        #expect(code.size == 17 + 4 * code.version)
        #expect(code.version == [1: 1, 20: 2, 60: 4, 120: 7, 169: 9, 213: 10][length])

        for (originX, originY) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            for y in 0..<7 {
                for x in 0..<7 {
                    let ring = max(abs(x - 3), abs(y - 3))
                    #expect(code.isDark(x: originX + x, y: originY + y) == (ring != 2), "finder at \(originX),\(originY)")
                }
            }
        }
        for index in 8..<(code.size - 8) {
            #expect(code.isDark(x: index, y: 6) == index.isMultiple(of: 2))
            #expect(code.isDark(x: 6, y: index) == index.isMultiple(of: 2))
        }
        #expect(code.isDark(x: 8, y: code.size - 8), "the dark module")

        // Format information, read back from both copies.
        func bit(_ x: Int, _ y: Int) -> Int { code.isDark(x: x, y: y) ? 1 : 0 }
        var first = 0
        var second = 0
        let firstPositions = (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) }
        let secondPositions = (0..<8).map { (code.size - 1 - $0, 8) } + (8..<15).map { (8, code.size - 15 + $0) }
        for (index, position) in firstPositions.enumerated() { first |= bit(position.0, position.1) << index }
        for (index, position) in secondPositions.enumerated() { second |= bit(position.0, position.1) << index }
        #expect(first == second)
        #expect(first == QRCode.formatBits(.medium, mask: code.mask))
        let valid = QRCode.ErrorCorrection.allCases.flatMap { level in (0..<8).map { QRCode.formatBits(level, mask: $0) } }
        #expect(Set(valid).count == 16 && valid.contains(first))

        if code.version >= 7 {
            var version = 0
            for index in 0..<18 { version |= bit(code.size - 11 + index % 3, index / 3) << index }
            #expect(version >> 12 == code.version)
            var transposed = 0
            for index in 0..<18 { transposed |= bit(index / 3, code.size - 11 + index % 3) << index }
            #expect(transposed == version)
        }
    }

    /// Known format words from the standard's table (M with mask 0 is 101010000010010).
    @Test func formatBitsMatchTheStandardsTable() {
        #expect(QRCode.formatBits(.medium, mask: 0) == 0b101010000010010)
        #expect(QRCode.formatBits(.low, mask: 0) == 0b111011111000100)
        #expect(QRCode.formatBits(.low, mask: 7) == 0b110100101110110)
    }

    @Test func tooLongDataIsRefused() {
        #expect(throws: QRCode.TooLong.self) { try QRCode(encoding: Array(repeating: 65, count: 300), errorCorrection: .low) }
    }
}
