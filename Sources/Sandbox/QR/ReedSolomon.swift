/// Reed-Solomon error correction over GF(256) with QR's field polynomial x⁸+x⁴+x³+x²+1 (0x11D).
enum ReedSolomon {
    /// The `degree` error-correction codewords for `data`.
    static func remainder(of data: [UInt8], degree: Int) -> [UInt8] {
        let generator = generatorPolynomial(degree: degree)
        var result = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for index in 0..<degree {
                result[index] ^= multiply(generator[index], factor)
            }
        }
        return result
    }

    /// Coefficients of ∏(x − αⁱ), i < degree, highest power first and its leading 1 dropped.
    static func generatorPolynomial(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                result[index] = multiply(result[index], root)
                if index + 1 < degree { result[index] ^= result[index + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    /// Russian-peasant multiplication in GF(256), reducing by 0x11D.
    static func multiply(_ lhs: UInt8, _ rhs: UInt8) -> UInt8 {
        var product: UInt16 = 0
        for bit in (0..<8).reversed() {
            product = (product << 1) ^ ((product >> 7) * 0x11D)
            product ^= UInt16((rhs >> UInt8(bit)) & 1) * UInt16(lhs)
        }
        return UInt8(truncatingIfNeeded: product)
    }
}
