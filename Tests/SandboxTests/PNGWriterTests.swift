import Testing

@testable import Sandbox

/// The PNG parses as a decoder would read it: signature, chunk CRCs, IHDR, a zlib stream of stored blocks
/// with a correct Adler-32, and pixels that reproduce the QR modules.
@Suite struct PNGWriterTests {
    struct Parsed {
        var width = 0
        var height = 0
        var bitDepth = 0
        var colorType = 0
        var idat: [UInt8] = []
        var chunkTypes: [String] = []
    }

    static func uint32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func parse(_ png: [UInt8]) throws -> Parsed {
        #expect(Array(png.prefix(8)) == PNGWriter.signature)
        var parsed = Parsed()
        var offset = 8
        while offset < png.count {
            let length = Int(uint32(png[offset..<offset + 4]))
            let typed = png[(offset + 4)..<(offset + 8 + length)]
            let type = String(decoding: typed.prefix(4), as: UTF8.self)
            let data = Array(typed.dropFirst(4))
            #expect(uint32(png[(offset + 8 + length)..<(offset + 12 + length)]) == Checksums.crc32(typed), "CRC of \(type)")
            parsed.chunkTypes.append(type)
            if type == "IHDR" {
                parsed.width = Int(uint32(data[0..<4]))
                parsed.height = Int(uint32(data[4..<8]))
                parsed.bitDepth = Int(data[8])
                parsed.colorType = Int(data[9])
            } else if type == "IDAT" {
                parsed.idat += data
            }
            offset += 12 + length
        }
        return parsed
    }

    /// Inflates a zlib stream made of stored blocks only.
    static func inflateStored(_ zlib: [UInt8]) -> [UInt8] {
        #expect((Int(zlib[0]) << 8 | Int(zlib[1])) % 31 == 0, "zlib header check")
        var out: [UInt8] = []
        var offset = 2
        while true {
            let header = zlib[offset]
            #expect(header & 0b110 == 0, "stored block")
            let length = Int(zlib[offset + 1]) | Int(zlib[offset + 2]) << 8
            let complement = Int(zlib[offset + 3]) | Int(zlib[offset + 4]) << 8
            #expect(length ^ complement == 0xFFFF)
            out += zlib[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
            if header & 1 == 1 { break }
        }
        #expect(uint32(zlib[offset..<offset + 4]) == Checksums.adler32(out))
        return out
    }

    @Test func crcAndAdlerMatchKnownValues() {
        #expect(Checksums.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Checksums.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    @Test func qrCodeImageRoundTrips() throws {
        let code = try QRCode(encoding: Array("2@sandbox-pairing-code,abc,def,ghi".utf8))
        let scale = 3
        let png = PNGWriter.qrCode(code, scale: scale, border: 4)
        let parsed = try Self.parse(png)
        let side = (code.size + 8) * scale
        #expect(parsed.chunkTypes == ["IHDR", "IDAT", "IEND"])
        #expect(parsed.width == side && parsed.height == side)
        #expect(parsed.bitDepth == 1 && parsed.colorType == 0)

        let raw = Self.inflateStored(parsed.idat)
        let rowBytes = (side + 7) / 8
        #expect(raw.count == (rowBytes + 1) * side)
        for y in 0..<side {
            let row = raw[(y * (rowBytes + 1))..<((y + 1) * (rowBytes + 1))]
            #expect(row.first == 0, "filter type None")
            for x in 0..<side {
                let white = row[row.startIndex + 1 + x / 8] & (0x80 >> UInt8(x % 8)) != 0
                #expect(white == !code.isDark(x: x / scale - 4, y: y / scale - 4))
            }
        }
    }

    /// Images larger than one stored block (65,535 bytes) are split into several.
    @Test func largeImagesSpanSeveralBlocks() throws {
        let png = PNGWriter.blackAndWhite(width: 1200, height: 900) { x, y in (x + y).isMultiple(of: 3) }
        let raw = Self.inflateStored(try Self.parse(png).idat)
        #expect(raw.count == (150 + 1) * 900)
    }
}
