import Fluent
import Foundation

/// Stores and reads secrets through the secret box. The only code that sees a secret's plaintext.
public struct SecretStore: Sendable {
    public let box: SecretBox
    public let clock: Clock

    public init(box: SecretBox, clock: Clock) {
        self.box = box
        self.clock = clock
    }

    public func store(_ plaintext: String, workspaceID: UUID, purpose: String, on db: Database) async throws -> StoredSecret {
        let id = UUID()
        let sealed = try box.seal(plaintext, rowID: id, purpose: purpose)
        let secret = StoredSecret()
        secret.id = id
        secret.workspaceID = workspaceID
        secret.purpose = purpose
        secret.keyID = sealed.keyID
        secret.ciphertext = sealed.ciphertext
        secret.last4 = SecretBox.last4(of: plaintext)
        secret.createdAt = clock.now()
        secret.updatedAt = secret.createdAt
        try await secret.create(on: db)
        return secret
    }

    public func replace(_ secret: StoredSecret, with plaintext: String, on db: Database) async throws {
        let sealed = try box.seal(plaintext, rowID: try secret.requireID(), purpose: secret.purpose)
        secret.keyID = sealed.keyID
        secret.ciphertext = sealed.ciphertext
        secret.last4 = SecretBox.last4(of: plaintext)
        secret.updatedAt = clock.now()
        try await secret.update(on: db)
    }

    public func reveal(_ secret: StoredSecret) throws -> String {
        try box.open(.init(keyID: secret.keyID, ciphertext: secret.ciphertext), rowID: try secret.requireID(), purpose: secret.purpose)
    }
}
