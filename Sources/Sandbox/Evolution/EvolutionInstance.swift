import Foundation
import WhatsAppCloud

/// A WhatsApp Web session as Evolution API v2 models it: created, paired by scanning a QR code, then open.
public struct EvolutionInstance: Sendable, Codable, Hashable {
    public var name: String
    public var id: String
    /// The instance's own `apikey` (Evolution calls it the hash).
    public var token: String
    public var integration: String
    /// `close`, `connecting` or `open`.
    public var connection: String
    public var webhookURL: String?
    /// Post each event to `<url>/<event-name>` instead of `<url>`.
    public var webhookByEvents: Bool
    /// Upper-case event names (`MESSAGES_UPSERT`); empty means all.
    public var events: [String]
    /// The string the current QR code encodes, and how many codes were issued.
    public var qrCode: String?
    public var qrCount: Int
    /// Set when the phone scanned the code: `<number>@s.whatsapp.net`.
    public var ownerJid: String?
    public var profileName: String?
}

extension SandboxState {
    /// False when the name is taken.
    func addInstance(_ instance: EvolutionInstance) -> Bool {
        guard evolutionInstances[instance.name] == nil else { return false }
        evolutionInstances[instance.name] = instance
        return true
    }

    public func evolutionInstance(_ name: String) -> EvolutionInstance? { evolutionInstances[name] }

    @discardableResult
    func updateInstance(_ name: String, _ change: (inout EvolutionInstance) -> Void) -> EvolutionInstance? {
        guard var instance = evolutionInstances[name] else { return nil }
        change(&instance)
        evolutionInstances[name] = instance
        return instance
    }

    func removeInstance(_ name: String) { evolutionInstances[name] = nil }

    /// A new QR payload shaped like WhatsApp Web's: `2@<ref>,<noise key>,<identity key>,<adv secret>`.
    func issueQRCode(for name: String) -> EvolutionInstance? {
        func base64(_ count: Int) -> String {
            Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }).base64EncodedString()
        }
        let code = "2@" + base64(24) + "," + base64(32) + "," + base64(32) + "," + base64(32)
        return updateInstance(name) {
            $0.qrCode = code
            $0.qrCount += 1
            $0.connection = "connecting"
        }
    }

    /// Eight characters from the alphabet WhatsApp pairing codes use.
    func newPairingCode() -> String {
        String((0..<8).map { _ in "ABCDEFGHJKLMNPQRSTVWXYZ123456789".randomElement(using: &random)! })
    }

    /// Baileys-style message id: `3EB0` and 18 upper-case hex digits.
    func newEvolutionMessageID() -> String { "3EB0" + randomHex(18).uppercased() }

    func newUUID() -> String {
        let hex = randomHex(32)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex[hex.index(hex.startIndex, offsetBy: range.lowerBound)..<hex.index(hex.startIndex, offsetBy: range.upperBound)])
        }
        return parts.joined(separator: "-")
    }
}
