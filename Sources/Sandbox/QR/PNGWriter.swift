/// A minimal PNG encoder for black-and-white images: 1-bit grayscale, deflate "stored" blocks (no
/// compression), which every PNG decoder reads. Enough for QR codes, so no image library is needed.
public enum PNGWriter {
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// `dark(x, y)` for each pixel of a `width` × `height` image.
    public static func blackAndWhite(width: Int, height: Int, dark: (Int, Int) -> Bool) -> [UInt8] {
        let rowBytes = (width + 7) / 8
        var raw: [UInt8] = []
        raw.reserveCapacity((rowBytes + 1) * height)
        for y in 0..<height {
            raw.append(0)  // filter type None
            for byteIndex in 0..<rowBytes {
                var byte: UInt8 = 0
                for bit in 0..<8 {
                    let x = byteIndex * 8 + bit
                    // In 1-bit grayscale, 1 is white; padding bits past the width stay white too.
                    if x >= width || !dark(x, y) { byte |= 0x80 >> UInt8(bit) }
                }
                raw.append(byte)
            }
        }
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [1, 0, 0, 0, 0]  // bit depth 1, grayscale, deflate, adaptive filtering, no interlace
        return signature + chunk("IHDR", header) + chunk("IDAT", zlibStored(raw)) + chunk("IEND", [])
    }

    /// The QR code with `scale` pixels per module and the 4-module quiet zone scanners expect.
    public static func qrCode(_ code: QRCode, scale: Int = 6, border: Int = 4) -> [UInt8] {
        let side = (code.size + border * 2) * scale
        return blackAndWhite(width: side, height: side) { x, y in
            code.isDark(x: x / scale - border, y: y / scale - border)
        }
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(Checksums.crc32(typed))
    }

    /// A zlib stream whose deflate blocks are all stored (at most 65,535 bytes each).
    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // deflate, 32K window; 0x7801 is a multiple of 31 as zlib requires
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let isLast: UInt8 = offset + length == data.count ? 1 : 0
            out += [isLast, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        return out + bigEndian(Checksums.adler32(data))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
