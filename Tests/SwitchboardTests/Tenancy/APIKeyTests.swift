import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("API keys")
struct APIKeyTests {
    @Test("a created key is shown once, works, is stored only as a hash, and stops working when revoked")
    func lifecycle() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")

            let created = try await app.send(.POST, "/api/v1/api-keys", key: a.key(.owner), json: CreateAPIKeyInput(name: "CRM", role: .manager))
            #expect(created.status == .created)
            let body = try created.decode(CreatedAPIKeyDTO.self)
            #expect(body.key.hasPrefix(body.apiKey.prefix + "_"))

            let list = try await app.send(.GET, "/api/v1/api-keys", key: a.key(.owner))
            #expect(list.text.contains(body.apiKey.prefix))
            #expect(!list.text.contains(body.key))
            let stored = try #require(try await APIKey.find(body.apiKey.id, on: app.db))
            #expect(stored.keyHash == sha256Hex(body.key))

            let current = try await app.send(.GET, "/api/v1/workspaces/current", key: body.key)
            #expect(current.status == .ok)
            #expect(try current.decode(WorkspaceDTO.self).role == .manager)
            #expect(try await APIKey.find(body.apiKey.id, on: app.db)?.lastUsedAt != nil)

            let revoked = try await app.send(.DELETE, "/api/v1/api-keys/\(body.apiKey.id)", key: a.key(.owner))
            #expect(try revoked.decode(APIKeyDTO.self).revokedAt != nil)
            let after = try await app.send(.GET, "/api/v1/workspaces/current", key: body.key)
            #expect(after.status == .unauthorized)
        }
    }
}
