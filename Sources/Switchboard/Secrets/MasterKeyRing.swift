import Foundation

/// Where master keys come from: the environment, or a key ring file in the data directory.
/// The file holds one base64 key per line; the last line is the current key, earlier lines still open old secrets.
public enum MasterKeyRing {
    public struct Keys: Sendable {
        public var current: Data
        public var previous: [Data]
    }

    public static func load(_ source: SwitchboardConfig.MasterKeySource, random: RandomSource) throws -> Keys {
        switch source {
        case .environment(let current, let previous):
            return Keys(current: current, previous: previous)
        case .file(let path):
            if !FileManager.default.fileExists(atPath: path) {
                try write([Data(random.bytes(32))], to: path)
            }
            let keys = try read(path)
            return Keys(current: keys[keys.count - 1], previous: Array(keys.dropLast()))
        }
    }

    /// Adds a new current key to the ring file, keeping the old ones so existing secrets still open.
    public static func appendNewKey(to path: String, random: RandomSource) throws -> Keys {
        var keys = try read(path)
        keys.append(Data(random.bytes(32)))
        try write(keys, to: path)
        return Keys(current: keys[keys.count - 1], previous: Array(keys.dropLast()))
    }

    static func read(_ path: String) throws -> [Data] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let keys = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.compactMap { Data(base64Encoded: $0) }.filter { $0.count == 32 }
        guard !keys.isEmpty else {
            throw ConfigError(variable: "master key file", problem: "\(path) holds no base64 32-byte key")
        }
        return keys
    }

    /// Writes the ring atomically with mode 0600, creating the directory with mode 0700.
    static func write(_ keys: [Data], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = path + ".tmp"
        let text = keys.map { $0.base64EncodedString() }.joined(separator: "\n") + "\n"
        FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        guard rename(temporary, path) == 0 else {
            throw ConfigError(variable: "master key file", problem: "could not write \(path)")
        }
    }
}
