import Fluent
import Foundation

/// Account state changes that happen to an account rather than being made by a member: Meta disconnecting
/// it, or its token being refused. Audited, and announced to the workspace as an event.
enum AccountHealth {
    struct Change: Encodable {
        var accountId: UUID
        var status: AccountStatus
        var previousStatus: AccountStatus
        var reason: String?
    }

    /// Moves the account to `status` unless it is there already (or, for `reauth_required`, is not active);
    /// true when it changed.
    static func change(_ accountID: UUID, to status: AccountStatus, reason: String?, actor: Principal.Actor, requestID: String?,
                       at time: Date, on db: Database) async throws -> Bool {
        guard let account = try await WhatsAppAccount.find(accountID, on: db), account.status != status else { return false }
        if status == .reauthRequired && account.status != .active { return false }
        let before = account.status
        account.status = status
        account.updatedAt = time
        account.updatedBy = actor.label
        try await account.update(on: db)
        let context = AuditContext(actor: actor, workspaceID: account.workspaceID, requestID: requestID)
        try await AuditLog.record("account.status_changed", target: ("whatsapp_account", accountID.uuidString),
                                  before: AccountStatusChange(status: before.rawValue, reason: nil),
                                  after: AccountStatusChange(status: status.rawValue, reason: reason),
                                  context: context, at: time, on: db)
        try await WorkspaceEvents.record(.accountStatusChanged, workspaceID: account.workspaceID,
                                         data: Change(accountId: accountID, status: status, previousStatus: before, reason: reason),
                                         at: time, on: db)
        return true
    }

    static let dispatcher = Principal.Actor.system("dispatcher")

    static func requireReauthorization(_ accountID: UUID, reason: String, at time: Date, on db: Database) async throws -> Bool {
        try await change(accountID, to: .reauthRequired, reason: String(reason.prefix(500)), actor: dispatcher, requestID: nil, at: time, on: db)
    }
}
