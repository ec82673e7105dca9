import Crypto

/// An uploaded (or injected inbound) media file, owned by one phone number.
struct StoredMedia: Sendable {
    var id: String
    var phoneNumberId: String
    var bytes: [UInt8]
    var mimeType: String

    var sha256: String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }
}

extension SandboxState {
    func storeMedia(phoneNumberId: String, bytes: [UInt8], mimeType: String) -> StoredMedia {
        let stored = StoredMedia(id: newNumericID(), phoneNumberId: phoneNumberId, bytes: bytes, mimeType: mimeType)
        media[stored.id] = stored
        return stored
    }

    func media(_ id: String) -> StoredMedia? { media[id] }

    func deleteMedia(_ id: String) { media[id] = nil }
}
