import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("WhatsApp settings and the platform account")
struct SettingsTests {
    @Test("recipients are validated and deduplicated; unknown toggles are refused")
    func validation() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")

            let saved = try await app.send(.PUT, "/api/v1/whatsapp-settings", key: a.key(.manager), json: UpdateSettingsInput(
                usePlatformAccount: false, alertRecipients: ["+14155550123", "+1 415-555-0123", "+4930123456"],
                notificationToggles: ["message_failed": true], signature: " Acme Rentals ", notificationsEnabled: true))
            let settings = try saved.decode(SettingsDTO.self)
            #expect(settings.alertRecipients == ["+14155550123", "+4930123456"])
            #expect(settings.notificationToggles["message_failed"] == true && settings.notificationToggles["daily_summary"] == false)
            #expect(settings.signature == "Acme Rentals")

            let bad = try await app.send(.PUT, "/api/v1/whatsapp-settings", key: a.key(.manager), json: UpdateSettingsInput(
                usePlatformAccount: false, alertRecipients: ["0800 123", "+1415"], notificationToggles: ["sms_everything": true], notificationsEnabled: true))
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.fieldErrors) == ["alertRecipients[0]", "alertRecipients[1]", "notificationToggles.sms_everything"])
            let agent = try await app.send(.PUT, "/api/v1/whatsapp-settings", key: a.key(.agent), json: UpdateSettingsInput(usePlatformAccount: false, notificationsEnabled: false))
            #expect(agent.status == .forbidden)
        }
    }

    @Test("the platform account: marked by a platform admin, used only by workspaces that switch it on, its secrets never shown")
    func platformAccount() async throws {
        try await withTestApp { app in
            let platform = try await Seed.workspace(app, slug: "platform")
            let tenant = try await Seed.workspace(app, slug: "tenant")
            let bystander = try await Seed.workspace(app, slug: "bystander")
            let admin = Principal(actor: .system("test"), workspaceID: platform.id, role: .owner, isPlatformAdmin: true)

            let early = try await app.send(.PUT, "/api/v1/whatsapp-settings", key: tenant.key(.owner), json: UpdateSettingsInput(usePlatformAccount: true, notificationsEnabled: true))
            #expect(early.status == .unprocessableEntity && early.problemType == "no_platform_account")

            let notAdmin = Principal(actor: .system("test"), workspaceID: platform.id, role: .owner, isPlatformAdmin: false)
            await #expect(throws: Problem.self) {
                try await PlatformUsage.mark(platform.accountID, principal: notAdmin, requestID: nil, at: Date(), writer: app.transactor, decisions: app.switchboard.decisions)
            }
            try await PlatformUsage.mark(platform.accountID, principal: admin, requestID: nil, at: Date(), writer: app.transactor, decisions: app.switchboard.decisions)

            let before = try await app.send(.GET, "/api/v1/whatsapp-accounts/resolve", key: tenant.key(.agent)).decode(DecisionDTO.self)
            #expect(before.account?.id == tenant.accountID)
            let switched = try await app.send(.PUT, "/api/v1/whatsapp-settings", key: tenant.key(.owner), json: UpdateSettingsInput(usePlatformAccount: true, notificationsEnabled: true))
            #expect(switched.status == .ok)
            #expect(try switched.decode(SettingsDTO.self).platformAccount?.name == "Main platform")

            let viaPlatform = try await app.send(.GET, "/api/v1/whatsapp-accounts/resolve", key: tenant.key(.agent))
            #expect(try viaPlatform.decode(DecisionDTO.self).account?.id == platform.accountID)
            #expect(!viaPlatform.text.contains("verifyToken") && !viaPlatform.text.contains("Last4"))
            let bystanderDecision = try await app.send(.GET, "/api/v1/whatsapp-accounts/resolve", key: bystander.key(.agent)).decode(DecisionDTO.self)
            #expect(bystanderDecision.account?.id == bystander.accountID)
            #expect(try await app.send(.GET, "/api/v1/whatsapp-accounts/\(platform.accountID)", key: tenant.key(.owner)).status == .notFound)

            let rows = try await PlatformUsage.workspaces(on: app.db)
            #expect(rows.map(\.workspaceName) == ["Workspace tenant"])
            #expect(rows.first?.switchedBy == "owner key" && rows.first?.since != nil)
        }
    }
}
