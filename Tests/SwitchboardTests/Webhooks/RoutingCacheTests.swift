import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Routing cache")
struct RoutingCacheTests {
    @Test("the routing cache follows an app secret changed here, and one changed by another process")
    func secretChange() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "acme")
            let account = try await Hooks.account(app, workspace: ws.id, appSecret: "first-app-secret")
            let body = Hooks.text(account, wamid: "wamid.S1")
            #expect(try await app.deliver(body, signedWith: "first-app-secret").status == .ok)

            // Changed through the API of this process: the cache is dropped at once.
            let context = AuditContext(actor: .system("test"), workspaceID: ws.id, requestID: nil)
            _ = try await Seed.accounts(app).update(account.id, UpdateAccountInput(appSecret: "second-app-secret"), context: context,
                                                    writer: app.transactor)
            #expect(try await app.deliver(body, signedWith: "first-app-secret").status == .forbidden)
            #expect(try await app.deliver(Hooks.text(account, wamid: "wamid.S2"), signedWith: "second-app-secret").status == .ok)

            // Changed in the database only, as another process would: the cached secret no longer verifies, so the
            // database is read again before refusing.
            let stored = try #require(try await WhatsAppAccount.find(account.id, on: app.db))
            let secret = try #require(try await StoredSecret.find(stored.appSecretSecretID, on: app.db))
            try await app.switchboard.secrets.replace(secret, with: "third-app-secret", on: app.db)
            #expect(try await app.deliver(Hooks.text(account, wamid: "wamid.S3"), signedWith: "third-app-secret").status == .ok)
            #expect(try await app.deliver(Hooks.text(account, wamid: "wamid.S4"), signedWith: "second-app-secret").status == .forbidden)
            #expect(try await Message.query(on: app.db).filter(\.$wamid ~~ ["wamid.S1", "wamid.S2", "wamid.S3"]).count() == 3)
            for secret in ["first-app-secret", "second-app-secret", "third-app-secret"] { #expect(!LogCapture.contains(secret)) }
        }
    }
}
