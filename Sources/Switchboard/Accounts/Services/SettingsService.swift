import Fluent
import Foundation
import Vapor

/// The event kinds a workspace can be notified about, each switched on or off.
public enum NotificationKind: String, Codable, CaseIterable, Sendable {
    case messageReceived = "message_received", messageFailed = "message_failed"
    case accountDisconnected = "account_disconnected", accountReauthRequired = "account_reauth_required"
    case templateStatusChanged = "template_status_changed", dailySummary = "daily_summary"
}

public struct SettingsDTO: Content, Equatable {
    public struct PlatformAccount: Content, Equatable {
        public var name: String
        public var displayPhoneNumber: String?
    }

    public var usePlatformAccount: Bool
    /// The platform account's name and number, when one is configured (never its ids or secrets).
    public var platformAccount: PlatformAccount?
    public var alertRecipients: [String]
    public var notificationToggles: [String: Bool]
    public var signature: String?
    public var notificationsEnabled: Bool
    public var updatedBy: String?
    public var updatedAt: Date?
}

public struct UpdateSettingsInput: APIInput, Encodable {
    public static let fields: Set<String> = ["usePlatformAccount", "alertRecipients", "notificationToggles", "signature", "notificationsEnabled"]
    public var usePlatformAccount: Bool
    public var alertRecipients: [String]?
    public var notificationToggles: [String: Bool]?
    public var signature: String?
    public var notificationsEnabled: Bool

    public init(usePlatformAccount: Bool, alertRecipients: [String]? = nil, notificationToggles: [String: Bool]? = nil,
                signature: String? = nil, notificationsEnabled: Bool) {
        self.usePlatformAccount = usePlatformAccount
        self.alertRecipients = alertRecipients
        self.notificationToggles = notificationToggles
        self.signature = signature
        self.notificationsEnabled = notificationsEnabled
    }
}

/// Phone numbers in E.164: a plus, then 8 to 15 digits, the first not zero.
public enum E164 {
    public static func isValid(_ number: String) -> Bool {
        guard number.hasPrefix("+") else { return false }
        let digits = number.dropFirst()
        return (8...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber } && digits.first != "0"
    }
}

/// A workspace's WhatsApp settings. Switching the platform account on or off is audited as its own action,
/// which the platform admin's page reads to show who switched and since when.
public struct SettingsService: Sendable {
    let clock: Clock
    let decisions: DecisionCache

    public func get(workspaceID: UUID, on db: Database) async throws -> SettingsDTO {
        let settings = try await WhatsAppSettings.query(on: db).filter(\.$workspaceID == workspaceID).first()
        return try await Self.dto(settings, on: db)
    }

    public func update(_ input: UpdateSettingsInput, context: AuditContext, writer: Transactor) async throws -> SettingsDTO {
        var checks = FieldChecks()
        var recipients: [String] = []
        for (index, raw) in (input.alertRecipients ?? []).enumerated() {
            let number = raw.filter { !$0.isWhitespace && $0 != "-" && $0 != "(" && $0 != ")" }
            if !E164.isValid(number) { checks.fail("alertRecipients[\(index)]", "must be a phone number in E.164, like +14155550123") }
            else if !recipients.contains(number) { recipients.append(number) }
        }
        if recipients.count > 50 { checks.fail("alertRecipients", "must list at most 50 numbers") }
        let known = Set(NotificationKind.allCases.map(\.rawValue))
        for kind in (input.notificationToggles ?? [:]).keys.sorted() where !known.contains(kind) {
            checks.fail("notificationToggles.\(kind.prefix(60))", "is not a notification kind (\(known.sorted().joined(separator: ", ")))")
        }
        let signature = checks.text("signature", input.signature, max: 200, required: false)
        try checks.check()
        var toggles = Dictionary(uniqueKeysWithValues: NotificationKind.allCases.map { ($0.rawValue, false) })
        toggles.merge(input.notificationToggles ?? [:]) { _, new in new }
        let time = clock.now()
        let (finalRecipients, finalToggles) = (recipients, toggles)
        let dto = try await writer { db in
            if input.usePlatformAccount, try await WhatsAppAccount.query(on: db).filter(\.$isPlatform == true).first() == nil {
                throw Problem(.unprocessableEntity, type: "no_platform_account", title: "No platform account",
                              detail: "The platform has not configured a shared WhatsApp account yet.",
                              errors: [FieldError("usePlatformAccount", "no platform account is configured")])
            }
            let existing = try await WhatsAppSettings.query(on: db).filter(\.$workspaceID == context.workspaceID).first()
            let before = try await Self.dto(existing, on: db)
            let settings = existing ?? WhatsAppSettings()
            settings.workspaceID = context.workspaceID
            settings.usePlatformAccount = input.usePlatformAccount
            settings.alertRecipients = String(decoding: try JSONEncoder().encode(finalRecipients), as: UTF8.self)
            settings.notificationToggles = String(decoding: try JSONEncoder.api.encode(finalToggles), as: UTF8.self)
            settings.signature = (signature?.isEmpty ?? true) ? nil : signature
            settings.notificationsEnabled = input.notificationsEnabled
            settings.updatedBy = context.actor.label
            settings.updatedAt = time
            try await settings.save(on: db)
            let after = try await Self.dto(settings, on: db)
            try await AuditLog.record("whatsapp_settings.updated", target: ("whatsapp_settings", context.workspaceID.uuidString),
                                      before: before, after: after, context: context, at: time, on: db)
            if before.usePlatformAccount != after.usePlatformAccount {
                try await AuditLog.record(PlatformUsage.switchAction, target: ("whatsapp_settings", context.workspaceID.uuidString),
                                          before: PlatformUsage.Switch(usePlatformAccount: before.usePlatformAccount),
                                          after: PlatformUsage.Switch(usePlatformAccount: after.usePlatformAccount),
                                          context: context, at: time, on: db)
            }
            return after
        }
        await decisions.invalidate(workspaceID: context.workspaceID, platform: false)
        return dto
    }

    static func dto(_ settings: WhatsAppSettings?, on db: Database) async throws -> SettingsDTO {
        let platform = try await WhatsAppAccount.query(on: db).filter(\.$isPlatform == true).first()
        let decoder = JSONDecoder()
        let recipients = settings.flatMap { try? decoder.decode([String].self, from: Data($0.alertRecipients.utf8)) } ?? []
        var toggles = Dictionary(uniqueKeysWithValues: NotificationKind.allCases.map { ($0.rawValue, false) })
        if let stored = settings.flatMap({ try? decoder.decode([String: Bool].self, from: Data($0.notificationToggles.utf8)) }) {
            toggles.merge(stored) { _, new in new }
        }
        return SettingsDTO(
            usePlatformAccount: settings?.usePlatformAccount ?? false,
            platformAccount: platform.map { .init(name: $0.name, displayPhoneNumber: $0.displayPhoneNumber) },
            alertRecipients: recipients, notificationToggles: toggles, signature: settings?.signature,
            notificationsEnabled: settings?.notificationsEnabled ?? true, updatedBy: settings?.updatedBy, updatedAt: settings?.updatedAt)
    }
}
