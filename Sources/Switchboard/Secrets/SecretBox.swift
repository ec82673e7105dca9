import Crypto
import Foundation

/// AES-256-GCM with a key ring: new secrets are sealed with the current key, and any key in the ring opens.
/// The key id is stored beside every ciphertext; the secret row's id and purpose are authenticated with it,
/// so a ciphertext copied onto another row does not open.
public struct SecretBox: Sendable {
    public struct Sealed: Sendable, Equatable {
        public var keyID: String
        public var ciphertext: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case unknownKey(String)
        case corrupt
        public var description: String {
            switch self {
            case .unknownKey(let id): "no master key with id \(id) is configured"
            case .corrupt: "a stored secret failed to decrypt (wrong key or tampered data)"
            }
        }
    }

    public let currentKeyID: String
    private let keys: [String: SymmetricKey]

    /// `current` seals; `previous` only open.
    public init(current: Data, previous: [Data] = []) {
        var keys: [String: SymmetricKey] = [:]
        for data in previous + [current] { keys[Self.keyID(of: data)] = SymmetricKey(data: data) }
        self.keys = keys
        self.currentKeyID = Self.keyID(of: current)
    }

    public var keyIDs: Set<String> { Set(keys.keys) }

    /// A key's id: derived from the key, so the same key always has the same id in every process.
    public static func keyID(of key: Data) -> String {
        let digest = SHA256.hash(data: Data("switchboard-master-key-id".utf8) + key)
        return "k" + digest.prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    public func seal(_ plaintext: String, rowID: UUID, purpose: String) throws -> Sealed {
        guard let key = keys[currentKeyID] else { throw Failure.unknownKey(currentKeyID) }
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key, authenticating: Self.context(rowID, purpose))
        guard let combined = box.combined else { throw Failure.corrupt }
        return Sealed(keyID: currentKeyID, ciphertext: combined.base64EncodedString())
    }

    public func open(_ sealed: Sealed, rowID: UUID, purpose: String) throws -> String {
        guard let key = keys[sealed.keyID] else { throw Failure.unknownKey(sealed.keyID) }
        do {
            guard let data = Data(base64Encoded: sealed.ciphertext) else { throw Failure.corrupt }
            let box = try AES.GCM.SealedBox(combined: data)
            let plain = try AES.GCM.open(box, using: key, authenticating: Self.context(rowID, purpose))
            guard let text = String(data: plain, encoding: .utf8) else { throw Failure.corrupt }
            return text
        } catch {
            throw Failure.corrupt
        }
    }

    private static func context(_ rowID: UUID, _ purpose: String) -> Data {
        Data("\(rowID.uuidString.lowercased())|\(purpose)".utf8)
    }

    /// What may be shown of a secret: its last 4 characters, and nothing of a secret shorter than 8.
    public static func last4(of secret: String) -> String {
        secret.count >= 8 ? String(secret.suffix(4)) : ""
    }
}
