import Fluent
import Foundation
import Vapor

/// The platform account: one account, marked by a platform admin, that opted-in workspaces send through.
public enum PlatformUsage {
    public static let switchAction = "whatsapp_settings.platform_switched"
    public static let markAction = "platform.account_marked"

    struct Switch: Codable { var usePlatformAccount: Bool }

    /// A workspace that uses the platform account, since when, and who switched it on.
    public struct Row: Sendable {
        public var workspaceID: UUID
        public var workspaceName: String
        public var since: Date?
        public var switchedBy: String?
    }

    /// Every workspace with the switch on, with the latest "switched on" entry of its audit log.
    public static func workspaces(on db: Database) async throws -> [Row] {
        let settings = try await WhatsAppSettings.query(on: db).filter(\.$usePlatformAccount == true).all()
        let ids = settings.map(\.workspaceID)
        guard !ids.isEmpty else { return [] }
        let names = Dictionary(try await Workspace.query(on: db).filter(\.$id ~~ ids).all().compactMap { w in w.id.map { ($0, w.name) } },
                               uniquingKeysWith: { first, _ in first })
        let switches = try await AuditEvent.query(on: db).filter(\.$workspaceID ~~ ids).filter(\.$action == switchAction)
            .sort(\.$createdAt, .descending).all()
        return ids.map { id in
            let latest = switches.first { $0.workspaceID == id && ($0.after?.contains("true") ?? false) }
            return Row(workspaceID: id, workspaceName: names[id] ?? "?", since: latest?.createdAt, switchedBy: latest?.actorLabel)
        }.sorted { $0.workspaceName < $1.workspaceName }
    }

    /// Moves the platform mark to `accountID` (or clears it), in one transaction. Needs a platform admin.
    public static func mark(_ accountID: UUID?, principal: Principal, requestID: String?, at time: Date,
                            writer: Transactor, decisions: DecisionCache) async throws {
        try principal.require(.platform)
        try await writer { db in
            let previous = try await WhatsAppAccount.query(on: db).filter(\.$isPlatform == true).first()
            if let previous, previous.id != accountID {
                previous.isPlatform = false
                previous.ownerType = previous.ownerMemberID == nil ? .workspace : .member
                try await previous.save(on: db)
            }
            guard let accountID else { return }
            guard let account = try await WhatsAppAccount.find(accountID, on: db) else { throw Problem.notFound("Account") }
            try AccountService.requireUsable(account, toBe: "the platform account")
            account.isPlatform = true
            account.ownerType = .platform
            try await account.save(on: db)
            let context = AuditContext(actor: principal.actor, workspaceID: account.workspaceID, requestID: requestID)
            try await AuditLog.record(markAction, target: ("whatsapp_account", accountID.uuidString),
                                      before: Mark(platformAccountId: previous?.id), after: Mark(platformAccountId: accountID),
                                      context: context, at: time, on: db)
        }
        await decisions.invalidateAll()
    }

    struct Mark: Codable { var platformAccountId: UUID? }
}
