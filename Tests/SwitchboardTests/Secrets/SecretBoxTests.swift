import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Secret box and key rotation")
struct SecretBoxTests {
    @Test("seals and opens; another row, purpose or key does not open")
    func sealOpen() throws {
        let key = Data(RandomSource.system.bytes(32))
        let box = SecretBox(current: key)
        let row = UUID()
        let sealed = try box.seal("EAAG-access-token-1234", rowID: row, purpose: "account.access_token")

        #expect(sealed.keyID == SecretBox.keyID(of: key))
        #expect(!sealed.ciphertext.contains("EAAG"))
        #expect(try box.open(sealed, rowID: row, purpose: "account.access_token") == "EAAG-access-token-1234")
        #expect(throws: SecretBox.Failure.self) { try box.open(sealed, rowID: UUID(), purpose: "account.access_token") }
        #expect(throws: SecretBox.Failure.self) { try box.open(sealed, rowID: row, purpose: "account.app_secret") }
        #expect(throws: SecretBox.Failure.self) { try SecretBox(current: Data(RandomSource.system.bytes(32))).open(sealed, rowID: row, purpose: "account.access_token") }
        #expect(SecretBox.last4(of: "EAAG-access-token-1234") == "1234")
        #expect(SecretBox.last4(of: "short") == "")
    }

    @Test("rotation stopped half-way and run again leaves every secret readable under the new key")
    func rotation() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let old = app.switchboard.secrets
            // The seed's own secrets (its webhook endpoint's) are rotated too.
            let seeded = try await StoredSecret.query(on: app.db).count()
            var plaintexts: [UUID: String] = [:]
            for index in 0..<25 {
                let value = "token-\(index)-\(UUID().uuidString)"
                let secret = try await old.store(value, workspaceID: a.id, purpose: "test.token", on: app.db)
                plaintexts[try secret.requireID()] = value
            }
            // The new ring keeps the old key, to open what is not yet rotated.
            let rotatedBox = SecretBox(current: Data(RandomSource.system.bytes(32)), previous: [try #require(oldKey(app))])
            let rotation = KeyRotation(store: SecretStore(box: rotatedBox, clock: .system), batchSize: 10)

            let first = try await rotation.run(on: app.db, maxBatches: 1)
            #expect(first.reencrypted == 10 && first.remaining == 15 + seeded)
            let second = try await rotation.run(on: app.db)
            #expect(second.reencrypted == 15 + seeded && second.remaining == 0)

            for secret in try await StoredSecret.query(on: app.db).all() {
                #expect(secret.keyID == rotatedBox.currentKeyID)
                let revealed = try SecretStore(box: rotatedBox, clock: .system).reveal(secret)
                #expect(revealed == plaintexts[try secret.requireID()] ?? revealed)
            }
            #expect(old.box.currentKeyID != rotatedBox.currentKeyID)
        }
    }

    private func oldKey(_ app: Application) -> Data? {
        if case .environment(let current, _) = app.switchboard.config.masterKey { return current }
        return nil
    }

    @Test("the key file is created with mode 0600 and grows on rotation")
    func keyFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-key-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/master.key"

        let first = try MasterKeyRing.load(.file(path: path), random: .system)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try MasterKeyRing.load(.file(path: path), random: .system)
        #expect(again.current == first.current)
        let rotated = try MasterKeyRing.appendNewKey(to: path, random: .system)
        #expect(rotated.previous == [first.current] && rotated.current != first.current)
    }
}
