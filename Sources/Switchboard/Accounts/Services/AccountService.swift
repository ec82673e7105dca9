import Fluent
import Foundation
import Vapor

/// Accounts of a workspace: create, change, default, activate and deactivate. Every change is audited,
/// invalidates cached sending decisions (and, when it creates an account or changes its secrets, the cached routing
/// candidates of inbound webhooks), and records how long it took.
public struct AccountService: Sendable {
    let secrets: SecretStore
    let clock: Clock
    let random: RandomSource
    let metrics: SwitchboardMetrics
    let decisions: DecisionCache
    let routingCandidates: RoutingCandidateCache
    let logger: Logger

    static let uniqueIndexes: [(UniqueIndex, field: String, detail: String)] = [
        (UniqueIndex(name: AccountIndex.name, sqliteColumns: "whatsapp_accounts.workspace_id, whatsapp_accounts.name_key"),
         "name", "An account with this name exists in the workspace."),
        (UniqueIndex(name: AccountIndex.phoneNumberID, sqliteColumns: "whatsapp_accounts.workspace_id, whatsapp_accounts.phone_number_id"),
         "phoneNumberId", "An account with this phone number id exists in the workspace."),
        (UniqueIndex(name: AccountIndex.oneDefault, sqliteColumns: "whatsapp_accounts.workspace_id"),
         "isDefault", "Another account became the default at the same time; try again."),
        (UniqueIndex(name: AccountIndex.onePlatform, sqliteColumns: "whatsapp_accounts.is_platform"),
         "isPlatform", "Another account became the platform account at the same time; try again."),
    ]

    // MARK: Reading

    public func get(_ id: UUID, workspaceID: UUID, on db: Database) async throws -> AccountDTO {
        guard let row = try await AccountRow.one(id, workspaceID: workspaceID, on: db) else { throw Problem.notFound("Account") }
        return AccountDTO(row)
    }

    public func list(_ query: AccountListQuery, workspaceID: UUID, on db: Database) async throws -> CursorPage<AccountDTO> {
        try await measure("accounts.list") {
            let rows = try await query.rows(workspaceID: workspaceID, on: db)
            return CursorPage(rows: rows, limit: try PageLimit.parse(query.limit), cursor: query.cursor(for:), item: AccountDTO.init)
        }
    }

    // MARK: Changing

    public func create(_ input: CreateAccountInput, context: AuditContext, writer: Transactor) async throws -> AccountDTO {
        try await measure("accounts.create") {
            let (checks, provider) = AccountRules.check(input)
            try checks.check()
            if input.isDefault == true, AccountRules.initialStatus(for: provider) != .active {
                throw Self.notUsable("is not verified yet")
            }
            let time = clock.now()
            let verifyToken = random.token(24)
            let dto = try await writing(writer) { db in
                if let memberID = input.ownerMemberId,
                   try await Membership.query(on: db).filter(\.$workspaceID == context.workspaceID).filter(\.$memberID == memberID).first() == nil {
                    throw Problem.validation([FieldError("ownerMemberId", "is not a member of this workspace")])
                }
                let account = WhatsAppAccount()
                account.id = UUID()
                account.workspaceID = context.workspaceID
                account.name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
                account.provider = provider
                account.phoneNumberID = input.phoneNumberId
                account.businessAccountID = input.businessAccountId
                account.displayPhoneNumber = input.displayPhoneNumber?.trimmingCharacters(in: .whitespaces)
                account.webhookURL = input.webhookUrl.flatMap { $0.isEmpty ? nil : $0 }
                account.verifyToken = verifyToken
                account.messagesPerSecond = input.messagesPerSecond ?? AccountRules.defaultRate
                account.evolutionAPIURL = input.evolutionApiUrl
                account.evolutionInstanceName = input.evolutionInstanceName?.trimmingCharacters(in: .whitespaces)
                account.status = AccountRules.initialStatus(for: provider)
                account.isActive = true
                account.isDefault = false
                account.isPlatform = false
                account.ownerType = input.ownerMemberId == nil ? .workspace : .member
                account.ownerMemberID = input.ownerMemberId
                account.createdBy = context.actor.label
                account.updatedBy = context.actor.label
                account.createdAt = time
                account.updatedAt = time
                account.refreshDerivedFields()
                account.accessTokenSecretID = try await storeSecret(input.accessToken, AccountRules.secretPurposes.accessToken, context, db)
                account.appSecretSecretID = try await storeSecret(input.appSecret, AccountRules.secretPurposes.appSecret, context, db)
                account.evolutionAPIKeySecretID = try await storeSecret(input.evolutionApiKey, AccountRules.secretPurposes.evolutionKey, context, db)
                try await account.create(on: db)
                if input.isDefault == true { try await Self.makeDefault(account, on: db) }
                let dto = try await render(account, on: db)
                try await AuditLog.record("account.created", target: ("whatsapp_account", dto.id.uuidString), after: dto,
                                          context: context, at: time, on: db)
                return dto
            }
            await decisions.invalidate(workspaceID: context.workspaceID, platform: false)
            await routingCandidates.invalidate()
            return dto
        }
    }

    public func update(_ id: UUID, _ input: UpdateAccountInput, context: AuditContext, writer: Transactor) async throws -> AccountDTO {
        try await measure("accounts.update") {
            var checks = FieldChecks()
            if let name = input.name { checks.text("name", name, min: 2, max: 120) }
            if let token = input.accessToken, !token.isEmpty { AccountRules.checkToken(token, required: false, into: &checks) }
            if let secret = input.appSecret, !secret.isEmpty, !(8...512).contains(secret.count) { checks.fail("appSecret", "must be 8 to 512 characters") }
            if let url = input.webhookUrl, !url.isEmpty, let problem = AccountRules.webhookURLProblem(url) { checks.fail("webhookUrl", problem) }
            if let phone = input.displayPhoneNumber { checks.text("displayPhoneNumber", phone, max: 32, required: false) }
            if input.isDefault == false { checks.fail("isDefault", "cannot be cleared directly; make another account the default") }
            AccountRules.checkRate(input.messagesPerSecond, into: &checks)
            try checks.check()
            let time = clock.now()
            let (dto, platform) = try await writing(writer) { db in
                let account = try await Self.find(id, workspaceID: context.workspaceID, on: db)
                let before = try await render(account, on: db)
                var changed: [String] = []
                if let name = input.name?.trimmingCharacters(in: .whitespacesAndNewlines), name != account.name {
                    account.name = name
                    changed.append("name")
                }
                if let phone = input.displayPhoneNumber, phone != account.displayPhoneNumber {
                    account.displayPhoneNumber = phone.isEmpty ? nil : phone
                    changed.append("displayPhoneNumber")
                }
                if let rate = input.messagesPerSecond, rate != account.messagesPerSecond {
                    account.messagesPerSecond = rate
                    changed.append("messagesPerSecond")
                }
                if let url = input.webhookUrl, (url.isEmpty ? nil : url) != account.webhookURL {
                    account.webhookURL = url.isEmpty ? nil : url
                    changed.append("webhookUrl")
                }
                if let token = input.accessToken, !token.isEmpty {
                    account.accessTokenSecretID = try await replaceSecret(account.accessTokenSecretID, token, AccountRules.secretPurposes.accessToken, context, db)
                    // A new token is what a re-authorisation needs; the account sends again.
                    if account.status == .reauthRequired { account.status = .active }
                    changed.append("accessToken")
                }
                if let secret = input.appSecret, !secret.isEmpty {
                    account.appSecretSecretID = try await replaceSecret(account.appSecretSecretID, secret, AccountRules.secretPurposes.appSecret, context, db)
                    changed.append("appSecret")
                }
                if let active = input.isActive, active != account.isActive {
                    account.isActive = active
                    if !active { account.isDefault = false }
                    changed.append("isActive")
                }
                account.refreshDerivedFields()
                account.updatedBy = context.actor.label
                account.updatedAt = time
                try await account.save(on: db)
                if input.isDefault == true, !account.isDefault {
                    try Self.requireUsable(account)
                    try await Self.makeDefault(account, on: db)
                    changed.append("isDefault")
                }
                let after = try await render(account, on: db)
                if !changed.isEmpty {
                    try await AuditLog.record("account.updated", target: ("whatsapp_account", id.uuidString),
                                              before: AuditChange(fields: changed, account: before), after: AuditChange(fields: changed, account: after),
                                              context: context, at: time, on: db)
                }
                return (after, account.isPlatform)
            }
            await decisions.invalidate(workspaceID: context.workspaceID, platform: platform)
            await routingCandidates.invalidate()
            return dto
        }
    }

    /// Makes the account the workspace's default, clearing the previous one in the same transaction.
    public func setDefault(_ id: UUID, context: AuditContext, writer: Transactor) async throws -> AccountDTO {
        try await measure("accounts.set_default") {
            let time = clock.now()
            let dto = try await writing(writer) { db in
                let account = try await Self.find(id, workspaceID: context.workspaceID, on: db)
                try Self.requireUsable(account)
                let previous = try await WhatsAppAccount.query(on: db).filter(\.$workspaceID == context.workspaceID)
                    .filter(\.$isDefault == true).first()
                if previous?.id != account.id {
                    try await Self.makeDefault(account, on: db)
                    account.updatedBy = context.actor.label
                    account.updatedAt = time
                    try await account.save(on: db)
                    try await AuditLog.record("account.default_changed", target: ("whatsapp_account", id.uuidString),
                                              before: DefaultChange(defaultAccountId: previous?.id), after: DefaultChange(defaultAccountId: id),
                                              context: context, at: time, on: db)
                }
                return try await render(account, on: db)
            }
            await decisions.invalidate(workspaceID: context.workspaceID, platform: false)
            return dto
        }
    }

    public func setActive(_ id: UUID, _ active: Bool, context: AuditContext, writer: Transactor) async throws -> AccountDTO {
        try await measure(active ? "accounts.activate" : "accounts.deactivate") {
            let time = clock.now()
            let (dto, platform) = try await writing(writer) { db in
                let account = try await Self.find(id, workspaceID: context.workspaceID, on: db)
                if account.isActive != active {
                    let before = try await render(account, on: db)
                    account.isActive = active
                    // An inactive account cannot stay the default: the resolver would skip it anyway, and the
                    // page would show a default that does not send.
                    if !active { account.isDefault = false }
                    account.updatedBy = context.actor.label
                    account.updatedAt = time
                    try await account.save(on: db)
                    try await AuditLog.record(active ? "account.activated" : "account.deactivated", target: ("whatsapp_account", id.uuidString),
                                              before: before, after: try await render(account, on: db), context: context, at: time, on: db)
                }
                return (try await render(account, on: db), account.isPlatform)
            }
            await decisions.invalidate(workspaceID: context.workspaceID, platform: platform)
            return dto
        }
    }

    // MARK: Helpers

    static func find(_ id: UUID, workspaceID: UUID, on db: Database) async throws -> WhatsAppAccount {
        guard let account = try await WhatsAppAccount.query(on: db).filter(\.$id == id).filter(\.$workspaceID == workspaceID).first() else {
            throw Problem.notFound("Account")
        }
        return account
    }

    static func requireUsable(_ account: WhatsAppAccount, toBe role: String = "the default") throws(Problem) {
        if !account.isActive { throw notUsable("is inactive", toBe: role) }
        if account.status != .active { throw notUsable("is \(account.status.rawValue.replacingOccurrences(of: "_", with: " "))", toBe: role) }
    }

    static func notUsable(_ why: String, toBe role: String = "the default") -> Problem {
        Problem(.unprocessableEntity, type: "account_not_usable", title: "Account not usable",
                detail: "The account \(why); only an active, verified account can be \(role).",
                errors: [FieldError(role == "the default" ? "isDefault" : "isPlatform", "the account \(why)")])
    }

    static func makeDefault(_ account: WhatsAppAccount, on db: Database) async throws {
        try await WhatsAppAccount.query(on: db).filter(\.$workspaceID == account.workspaceID).filter(\.$isDefault == true)
            .filter(\.$id != account.requireID()).set(\.$isDefault, to: false).update()
        account.isDefault = true
        try await account.save(on: db)
    }

    /// The account as the API shows it, read back through the same query as the list.
    func render(_ account: WhatsAppAccount, on db: Database) async throws -> AccountDTO {
        try await Self.render(account, on: db)
    }

    static func render(_ account: WhatsAppAccount, on db: Database) async throws -> AccountDTO {
        guard let row = try await AccountRow.one(try account.requireID(), workspaceID: account.workspaceID, on: db) else {
            throw Problem.notFound("Account")
        }
        return AccountDTO(row)
    }

    private func storeSecret(_ value: String?, _ purpose: String, _ context: AuditContext, _ db: Database) async throws -> UUID? {
        guard let value, !value.isEmpty else { return nil }
        return try await secrets.store(value, workspaceID: context.workspaceID, purpose: purpose, on: db).requireID()
    }

    private func replaceSecret(_ id: UUID?, _ value: String, _ purpose: String, _ context: AuditContext, _ db: Database) async throws -> UUID? {
        if let id, let existing = try await StoredSecret.find(id, on: db) {
            try await secrets.replace(existing, with: value, on: db)
            return id
        }
        return try await storeSecret(value, purpose, context, db)
    }

    /// Runs a write transaction and turns a unique-index violation (even from a race) into a 409 naming the field.
    func writing<T: Sendable>(_ writer: Transactor, _ work: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        do {
            return try await writer(work)
        } catch let problem as Problem {
            throw problem
        } catch {
            if let index = UniqueViolation.index(of: error, among: Self.uniqueIndexes.map(\.0)),
               let known = Self.uniqueIndexes.first(where: { $0.0.name == index.name }) {
                throw Problem.conflict("\(known.field)_taken", field: known.field, detail: known.detail)
            }
            throw error
        }
    }

    func measure<T>(_ operation: String, _ work: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            metrics.recordOperation(operation, duration: elapsed)
            logger.debug("service operation", metadata: ["operation": .string(operation), "duration": .string("\(elapsed)")])
        }
        return try await work()
    }
}

/// The audit entry of an update: which fields changed, and the account (already without secrets).
struct AuditChange: Encodable {
    var fields: [String]
    var account: AccountDTO
}

struct DefaultChange: Encodable {
    var defaultAccountId: UUID?
}

extension AccountService {
    /// The service over the app's clients; requests pass their own logger, so its lines carry the request id.
    public init(_ app: Application, logger: Logger? = nil) {
        let services = app.switchboard
        self.init(secrets: services.secrets, clock: services.clients.clock, random: services.clients.random,
                  metrics: services.metrics, decisions: services.decisions, routingCandidates: services.routingCandidates,
                  logger: logger ?? app.logger)
    }
}
