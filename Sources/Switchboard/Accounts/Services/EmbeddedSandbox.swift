import Fluent
import Foundation
import Sandbox
import Vapor

/// The emulator started inside `serve` on the embedded default, so a newcomer can send and receive at once.
/// Its state lives in memory: every start registers the numbers of all sandbox accounts again.
enum EmbeddedSandbox {
    static let demoPhoneNumberID = "100000000000001"

    /// Starts the emulator on the sandbox URL's port and teaches it every sandbox account's number.
    static func start(_ app: Application, callbackURL: String) async throws -> SandboxServer {
        let services = app.switchboard
        let url = URLComponents(string: services.config.sandboxURL)
        let server = SandboxServer(httpClient: app.http.client.shared)
        let port = try await server.start(host: url?.host ?? "127.0.0.1", port: url?.port ?? 8090)
        services.endpoints.sandboxURL = "http://\(url?.host ?? "127.0.0.1"):\(port)"
        app.lifecycle.use(Shutdown(server: server))
        for account in try await WhatsAppAccount.query(on: app.db).filter(\.$provider == .sandbox).all() {
            try await register(account, in: server, callbackURL: callbackURL, secrets: services.secrets, on: app.db)
        }
        return server
    }

    static func register(_ account: WhatsAppAccount, in server: SandboxServer, callbackURL: String, secrets: SecretStore, on db: Database) async throws {
        guard let phoneNumberID = account.phoneNumberID else { return }
        func reveal(_ id: UUID?) async throws -> String? {
            guard let id, let secret = try await StoredSecret.find(id, on: db) else { return nil }
            return try secrets.reveal(secret)
        }
        var number = SandboxNumber(phoneNumberId: phoneNumberID, wabaId: account.businessAccountID,
                                   displayPhoneNumber: account.displayPhoneNumber ?? "+1 555-010-0000", verifiedName: account.name,
                                   callbackURL: callbackURL, verifyToken: account.verifyToken)
        if let token = try await reveal(account.accessTokenSecretID) { number.accessTokens = [token] }
        if let appSecret = try await reveal(account.appSecretSecretID) { number.appSecret = appSecret }
        await server.state.upsert(number)
    }

    /// On first start: a default sandbox account in the demo workspace, with its own token and app secret.
    static func createDemoAccount(_ app: Application, workspaceID: UUID) async throws {
        let services = app.switchboard
        let accounts = AccountService(app)
        _ = try await accounts.create(
            CreateAccountInput(name: "Demo sandbox number", provider: .sandbox, phoneNumberId: demoPhoneNumberID,
                               businessAccountId: "1" + demoPhoneNumberID, displayPhoneNumber: "+1 555-010-0001",
                               accessToken: "sandbox-" + services.clients.random.token(24), appSecret: services.clients.random.token(24),
                               isDefault: true),
            context: AuditContext(actor: .system("bootstrap"), workspaceID: workspaceID, requestID: nil), writer: app.transactor)
    }

    struct Shutdown: LifecycleHandler {
        let server: SandboxServer
        func shutdownAsync(_ application: Application) async { await server.shutdown() }
    }
}
