import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Dashboard: accounts, settings, platform")
struct AccountPagesTests {
    static func signedIn(_ app: Application, as email: String) async throws -> DashboardClient {
        let browser = DashboardClient(app)
        _ = try await browser.login(email, Seed.password)
        return browser
    }

    @Test("create an account from the form, find it, make it default, deactivate it: the badges follow")
    func accountLifecycle() async throws {
        try await withTestApp { app in
            _ = try await Seed.workspace(app, slug: "alpha")
            let browser = try await Self.signedIn(app, as: "manager@alpha.test")

            let created = try await browser.post("/dashboard/accounts", ["name": "Lisbon desk", "provider": "sandbox", "phoneNumberId": "351210000000"])
            #expect(created.status == .seeOther)
            let found = try await browser.get("/dashboard/accounts?search=lisbon")
            #expect(found.text.contains("Lisbon desk") && found.text.contains("Account created.") == false)
            let account = try #require(try await WhatsAppAccount.query(on: app.db).filter(\.$name == "Lisbon desk").first())
            let id = try account.requireID().uuidString

            _ = try await browser.post("/dashboard/accounts/\(id)/default", [:])
            let afterDefault = try await browser.get("/dashboard/accounts?search=lisbon")
            #expect(afterDefault.text.contains(#"<span class="badge default">Default</span>"#))

            _ = try await browser.post("/dashboard/accounts/\(id)/deactivate", [:])
            let inactive = try await browser.get("/dashboard/accounts?search=lisbon&isActive=false")
            #expect(inactive.text.contains(#"<span class="badge inactive">Inactive</span>"#))
            #expect(!inactive.text.contains(#"badge default"#))
        }
    }

    @Test("a bad form comes back with the field errors inline, the values kept, and the token not echoed")
    func inlineErrors() async throws {
        try await withTestApp { app in
            _ = try await Seed.workspace(app, slug: "alpha")
            let browser = try await Self.signedIn(app, as: "owner@alpha.test")

            let reply = try await browser.post("/dashboard/accounts", ["name": "Main alpha", "provider": "cloud_api", "phoneNumberId": "98765432",
                                                                        "accessToken": "EAAG-typed-secret-value"])
            #expect(reply.status == .conflict)
            #expect(reply.text.contains(#"data-field="name""#))
            #expect(reply.text.contains(#"value="98765432""#))
            #expect(!reply.text.contains("EAAG-typed-secret-value"))
            #expect(reply.text.contains(#"<details class="card" id="new-account" open="open">"#))

            let missing = try await browser.post("/dashboard/accounts", ["name": "No token", "provider": "cloud_api", "phoneNumberId": "98765433"])
            #expect(missing.status == .unprocessableEntity && missing.text.contains(#"data-field="accessToken""#))
        }
    }

    @Test("edit keeps the token when the field is blank and never shows it")
    func edit() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let account = try await Seed.accounts(app).create(
                CreateAccountInput(name: "Cloud", provider: .cloudAPI, phoneNumberId: "123456789", accessToken: "EAAG-stored-token-4321"),
                context: AuditContext(actor: .system("test"), workspaceID: a.id, requestID: nil), writer: app.transactor)
            let browser = try await Self.signedIn(app, as: "owner@alpha.test")

            let page = try await browser.get("/dashboard/accounts/\(account.id)/edit")
            #expect(page.text.contains("ends in 4321") && !page.text.contains("EAAG-stored-token"))
            let saved = try await browser.post("/dashboard/accounts/\(account.id)/edit", ["name": "Cloud renamed", "accessToken": "", "appSecret": "", "webhookUrl": ""])
            #expect(saved.status == .seeOther)
            #expect(try await app.send(.GET, "/api/v1/whatsapp-accounts/\(account.id)", key: a.key(.agent)).decode(AccountDTO.self).accessTokenLast4 == "4321")
        }
    }

    @Test("an agent reads the table without buttons and cannot post; an empty search shows the empty state")
    func agent() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let browser = try await Self.signedIn(app, as: "agent@alpha.test")

            let page = try await browser.get("/dashboard/accounts")
            #expect(page.text.contains("Main alpha") && !page.text.contains("Deactivate") && !page.text.contains("new-account-form"))
            #expect(try await browser.post("/dashboard/accounts/\(a.accountID)/deactivate", [:]).status == .forbidden)
            let empty = try await browser.get("/dashboard/accounts?search=zzz-nothing")
            #expect(empty.text.contains(#"id="empty-state""#))
        }
    }

    @Test("settings: save recipients and the switch; the page shows the resolver's choice and reasons; the platform page lists users")
    func settingsAndPlatform() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let admin = try #require(try await Member.find(a.memberID(.owner), on: app.db))
            admin.isPlatformAdmin = true
            try await admin.save(on: app.db)
            let browser = try await Self.signedIn(app, as: "owner@alpha.test")

            let page = try await browser.get("/dashboard/settings")
            #expect(page.text.contains("Main alpha") && page.text.contains("default: taken"))
            _ = try await browser.post("/dashboard/platform/mark/\(a.accountID)", [:])
            let saved = try await browser.post("/dashboard/settings", ["usePlatformAccount": "true", "alertRecipients": "+14155550123\n+14155550123",
                                                                        "notificationsEnabled": "true", "toggle_message_failed": "true", "signature": "Alpha"])
            #expect(saved.status == .seeOther)
            let settings = try await app.send(.GET, "/api/v1/whatsapp-settings", key: a.key(.agent)).decode(SettingsDTO.self)
            #expect(settings.usePlatformAccount && settings.alertRecipients == ["+14155550123"] && settings.notificationToggles["message_failed"] == true)
            let platform = try await browser.get("/dashboard/platform")
            #expect(platform.text.contains("Workspace alpha") && platform.text.contains("owner@alpha.test"))

            let bad = try await browser.post("/dashboard/settings", ["alertRecipients": "12345", "notificationsEnabled": "true"])
            #expect(bad.status == .unprocessableEntity && bad.text.contains(#"data-field="alertRecipients[0]""#))
        }
    }
}
