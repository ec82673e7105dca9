import Fluent
import Vapor

/// `/api/v1/whatsapp-accounts`, `/api/v1/whatsapp-settings`.
struct AccountsAPI {
    func register(on api: RoutesBuilder) {
        let accounts = api.grouped("whatsapp-accounts")
        accounts.api(.GET, operation: .init(
            "listAccounts", "Accounts of the workspace: search, active filter, sort, cursor pages", permission: .read,
            query: [.param("search", .string(max: 200), "Case-insensitive, in the name and phone fields"),
                    .param("isActive", .boolean, "true (default) lists active accounts, false inactive ones"),
                    .param("sortField", .enumeration(["createdAt", "name"]), "Sort key (default createdAt)"),
                    .param("sortOrder", .enumeration(["asc", "desc"]), "Sort order (default desc)"),
                    .param("limit", .integer(min: 1, max: 100), "Page size, 1 to 100 (default 20)"),
                    .param("cursor", .string(max: 2048), "The nextCursor of the previous page")],
            response: "AccountPage"), use: list)
        accounts.api(.POST, operation: .init(
            "createAccount", "Add an account; Cloud API accounts start pending verification", permission: .write,
            request: "CreateAccount", success: 201, response: "Account", errors: [409]), use: create)
        accounts.api(.GET, "resolve", operation: .init(
            "resolveAccount", "Which account a message would go out on now, and why; sends nothing", permission: .read,
            query: [.param("purpose", .enumeration(SendPurpose.allCases.map(\.rawValue)), "conversation (default) or notification"),
                    .param("agentId", .uuid, "The assigned agent (a member id)"),
                    .param("accountId", .uuid, "An explicitly requested account")],
            response: "Decision"), use: resolve)
        accounts.api(.GET, ":accountID", operation: .init(
            "getAccount", "One account", permission: .read, response: "Account", errors: [404]), use: get)
        accounts.api(.PATCH, ":accountID", operation: .init(
            "updateAccount", "Change name, token, app secret, webhook URL, default or active; absent fields stay", permission: .write,
            request: "UpdateAccount", response: "Account", errors: [404, 409]), use: update)
        accounts.api(.DELETE, ":accountID", operation: .init(
            "deleteAccount", "Deactivate (soft delete) an account", permission: .write, response: "Account", errors: [404]), use: deactivate)
        accounts.api(.POST, ":accountID", "default", operation: .init(
            "setDefaultAccount", "Make the account the workspace's default (it must be active and verified)", permission: .write,
            response: "Account", errors: [404, 409, 422]), use: setDefault)
        accounts.api(.POST, ":accountID", "verify", operation: .init(
            "verifyAccount", "Ask the provider whether it knows the number and accepts the account's token; active on success",
            permission: .write, response: "Account", errors: [404, 422]), use: verify)
        accounts.api(.POST, ":accountID", "activate", operation: .init(
            "activateAccount", "Activate an account", permission: .write, response: "Account", errors: [404]), use: activate)
        accounts.api(.POST, ":accountID", "deactivate", operation: .init(
            "deactivateAccount", "Deactivate an account", permission: .write, response: "Account", errors: [404]), use: deactivate)

        api.api(.GET, "whatsapp-settings", operation: .init(
            "getWhatsAppSettings", "The workspace's WhatsApp settings", permission: .read, response: "WhatsAppSettings"), use: settings)
        api.api(.PUT, "whatsapp-settings", operation: .init(
            "updateWhatsAppSettings", "Replace the workspace's WhatsApp settings", permission: .write,
            request: "UpdateWhatsAppSettings", response: "WhatsAppSettings"), use: updateSettings)
    }

    func list(_ req: Request) async throws -> CursorPage<AccountDTO> {
        try await req.accounts.list(try req.query.decode(AccountListQuery.self), workspaceID: try req.principal.workspaceID, on: req.db)
    }

    func create(_ req: Request) async throws -> Response {
        let account = try await req.accounts.create(try req.input(CreateAccountInput.self), context: try req.auditContext, writer: req.transactor)
        return try await account.encodeResponse(status: .created, for: req)
    }

    func get(_ req: Request) async throws -> AccountDTO {
        try await req.accounts.get(try req.uuid("accountID"), workspaceID: try req.principal.workspaceID, on: req.db)
    }

    func update(_ req: Request) async throws -> AccountDTO {
        try await req.accounts.update(try req.uuid("accountID"), try req.input(UpdateAccountInput.self), context: try req.auditContext, writer: req.transactor)
    }

    func setDefault(_ req: Request) async throws -> AccountDTO {
        try await req.accounts.setDefault(try req.uuid("accountID"), context: try req.auditContext, writer: req.transactor)
    }

    func verify(_ req: Request) async throws -> AccountDTO {
        try await req.verification.verify(try req.uuid("accountID"), context: try req.auditContext, db: req.db, writer: req.transactor)
    }

    func activate(_ req: Request) async throws -> AccountDTO {
        try await req.accounts.setActive(try req.uuid("accountID"), true, context: try req.auditContext, writer: req.transactor)
    }

    func deactivate(_ req: Request) async throws -> AccountDTO {
        try await req.accounts.setActive(try req.uuid("accountID"), false, context: try req.auditContext, writer: req.transactor)
    }

    struct ResolveQuery: Content {
        var purpose: SendPurpose?
        var agentId: UUID?
        var accountId: UUID?
    }

    func resolve(_ req: Request) async throws -> DecisionDTO {
        let query = try req.query.decode(ResolveQuery.self)
        let request = ResolutionRequest(workspaceID: try req.principal.workspaceID, purpose: query.purpose ?? .conversation,
                                        accountID: query.accountId, agentID: query.agentId)
        return DecisionDTO(try await req.resolution.decide(request, on: req.db))
    }

    func settings(_ req: Request) async throws -> SettingsDTO {
        try await req.settingsService.get(workspaceID: try req.principal.workspaceID, on: req.db)
    }

    func updateSettings(_ req: Request) async throws -> SettingsDTO {
        try await req.settingsService.update(try req.input(UpdateSettingsInput.self), context: try req.auditContext, writer: req.transactor)
    }
}

extension Request {
    var accounts: AccountService { AccountService(application, logger: logger) }
    var verification: AccountVerification {
        let services = switchboard
        return AccountVerification(secrets: services.secrets, endpoints: services.endpoints, httpClient: application.http.client.shared,
                                   clock: clock, decisions: services.decisions)
    }
    var resolution: ResolutionService { ResolutionService(cache: switchboard.decisions) }
    var settingsService: SettingsService { SettingsService(clock: clock, decisions: switchboard.decisions) }
}
extension DecisionDTO: Content {}
