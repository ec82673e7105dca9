extension KeyedDecodingContainer {
    /// Reads a string that Meta sends sometimes as a JSON string and sometimes as a number (timestamps,
    /// template ids), so a change of representation never fails a whole webhook delivery.
    func decodeLenientString(forKey key: Key) throws -> String? {
        if let string = try? decodeIfPresent(String.self, forKey: key) { return string }
        if let integer = try? decodeIfPresent(Int64.self, forKey: key) { return String(integer) }
        if let number = try decodeIfPresent(Double.self, forKey: key) { return String(number) }
        return nil
    }

    /// Like `decodeLenientString`, but the key must be there.
    func decodeLenientString(_ key: Key) throws -> String {
        guard let value = try decodeLenientString(forKey: key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing \(key.stringValue)"))
        }
        return value
    }
}
