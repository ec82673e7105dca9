import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("WhatsApp accounts API")
struct AccountAPITests {
    static func cloud(_ name: String, phone: String = Seed.phoneNumberID()) -> CreateAccountInput {
        CreateAccountInput(name: name, provider: .cloudAPI, phoneNumberId: phone, businessAccountId: "102290129340398",
                           accessToken: "EAAGtoken-\(UUID().uuidString)", appSecret: "app-secret-value")
    }

    @Test("create: pending verification, secrets encrypted, only the last 4 shown, audited")
    func create() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            var input = Self.cloud("  Support line  ")
            input.accessToken = "EAAG-very-secret-token-9876"

            let reply = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.manager), json: input)

            #expect(reply.status == .created)
            let account = try reply.decode(AccountDTO.self)
            #expect(account.name == "Support line")
            #expect(account.status == .pendingVerification && !account.isDefault && account.isActive)
            #expect(account.accessTokenLast4 == "9876" && account.hasAppSecret)
            #expect(!reply.text.contains("EAAG-very-secret") && !reply.text.contains("app-secret-value"))
            let audit = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "account.created").filter(\.$targetID == account.id.uuidString).first())
            #expect(audit.after?.contains("Support line") == true)
            #expect(audit.after?.contains("EAAG-very-secret") == false)
        }
    }

    @Test("name and phone number id are unique per workspace (409 naming the field); another workspace may reuse the number")
    func uniqueness() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let b = try await Seed.workspace(app, slug: "bravo")
            _ = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner), json: Self.cloud("Sales", phone: "111222333"))
            let before = try await Seed.counts(app)

            let sameName = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner), json: Self.cloud("SALES"))
            let samePhone = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner), json: Self.cloud("Other", phone: "111222333"))
            #expect(sameName.status == .conflict && sameName.fieldErrors == ["name"])
            #expect(samePhone.status == .conflict && samePhone.fieldErrors == ["phoneNumberId"])
            #expect(try await Seed.counts(app) == before)

            let elsewhere = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: b.key(.owner), json: Self.cloud("Sales", phone: "111222333"))
            #expect(elsewhere.status == .created)
        }
    }

    @Test("two racing creates of the same name: one 201, one 409, never a 500")
    func racingCreates() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            async let first = app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner), json: Self.cloud("Racer"))
            async let second = app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner), json: Self.cloud("Racer"))
            let statuses = try await [first.status, second.status].map(\.code).sorted()
            #expect(statuses == [201, 409])
        }
    }

    @Test("two accounts made default at once: never a 500, and exactly one default after")
    func racingDefaults() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            var ids: [UUID] = []
            for name in ["Left", "Right"] {
                ids.append(try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner),
                                              json: CreateAccountInput(name: name, provider: .sandbox, phoneNumberId: Seed.phoneNumberID())).decode(AccountDTO.self).id)
            }
            async let left = app.send(.POST, "/api/v1/whatsapp-accounts/\(ids[0])/default", key: a.key(.owner))
            async let right = app.send(.POST, "/api/v1/whatsapp-accounts/\(ids[1])/default", key: a.key(.owner))
            let statuses = try await [left.status, right.status]

            #expect(statuses.allSatisfy { $0 == .ok || $0 == .conflict }, "\(statuses)")
            let defaults = try await WhatsAppAccount.query(on: app.db).filter(\.$workspaceID == a.id).filter(\.$isDefault == true).count()
            #expect(defaults == 1)
        }
    }

    @Test("set default clears the previous one; inactive or unverified accounts cannot be default")
    func defaults() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let second = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner),
                                            json: CreateAccountInput(name: "Second", provider: .sandbox, phoneNumberId: Seed.phoneNumberID())).decode(AccountDTO.self)
            let unverified = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner), json: Self.cloud("Unverified")).decode(AccountDTO.self)

            let made = try await app.send(.POST, "/api/v1/whatsapp-accounts/\(second.id)/default", key: a.key(.manager))
            #expect(try made.decode(AccountDTO.self).isDefault)
            let defaults = try await WhatsAppAccount.query(on: app.db).filter(\.$workspaceID == a.id).filter(\.$isDefault == true).all()
            #expect(defaults.map(\.id) == [second.id])

            let refused = try await app.send(.POST, "/api/v1/whatsapp-accounts/\(unverified.id)/default", key: a.key(.manager))
            #expect(refused.status == .unprocessableEntity && refused.problemType == "account_not_usable")

            _ = try await app.send(.POST, "/api/v1/whatsapp-accounts/\(a.accountID)/deactivate", key: a.key(.manager))
            let inactive = try await app.send(.POST, "/api/v1/whatsapp-accounts/\(a.accountID)/default", key: a.key(.manager))
            #expect(inactive.status == .unprocessableEntity)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "account.default_changed").count() == 1)
        }
    }

    @Test("deactivating the default leaves no default; DELETE deactivates; activate brings it back")
    func activation() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")

            let deleted = try await app.send(.DELETE, "/api/v1/whatsapp-accounts/\(a.accountID)", key: a.key(.manager)).decode(AccountDTO.self)
            #expect(!deleted.isActive && !deleted.isDefault)
            let activeList = try await app.send(.GET, "/api/v1/whatsapp-accounts", key: a.key(.agent)).decode(CursorPage<AccountDTO>.self)
            let inactiveList = try await app.send(.GET, "/api/v1/whatsapp-accounts?isActive=false", key: a.key(.agent)).decode(CursorPage<AccountDTO>.self)
            #expect(activeList.items.isEmpty && inactiveList.items.map(\.id) == [a.accountID])

            let back = try await app.send(.POST, "/api/v1/whatsapp-accounts/\(a.accountID)/activate", key: a.key(.manager)).decode(AccountDTO.self)
            #expect(back.isActive)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$targetID == a.accountID.uuidString).all().map(\.action)
            #expect(actions.filter { $0 == "account.deactivated" }.count == 1 && actions.contains("account.activated"))
        }
    }

    @Test("update: blank token keeps the stored one, a new token is re-encrypted, the audit names the changed fields")
    func update() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            var input = Self.cloud("Line")
            input.accessToken = "EAAG-first-token-1111"
            let account = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner), json: input).decode(AccountDTO.self)

            let kept = try await app.send(.PATCH, "/api/v1/whatsapp-accounts/\(account.id)", key: a.key(.owner),
                                          json: UpdateAccountInput(name: "Line 2", accessToken: "")).decode(AccountDTO.self)
            #expect(kept.name == "Line 2" && kept.accessTokenLast4 == "1111")
            let replaced = try await app.send(.PATCH, "/api/v1/whatsapp-accounts/\(account.id)", key: a.key(.owner),
                                              json: UpdateAccountInput(accessToken: "EAAG-second-token-2222")).decode(AccountDTO.self)
            #expect(replaced.accessTokenLast4 == "2222")

            let stored = try #require(try await WhatsAppAccount.find(account.id, on: app.db))
            let secret = try #require(try await StoredSecret.find(stored.accessTokenSecretID, on: app.db))
            #expect(try app.switchboard.secrets.reveal(secret) == "EAAG-second-token-2222")
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "account.updated").sort(\.$createdAt).all()
            #expect(audits.first?.after?.contains(#""fields":["name"]"#) == true)
            #expect(audits.last?.after?.contains(#""fields":["accessToken"]"#) == true)
            #expect(audits.allSatisfy { !($0.after ?? "").contains("EAAG-second") })
        }
    }

    @Test("a missing token and bad fields are 422s that name them", arguments: [
        (CreateAccountInput(name: "No token", provider: .cloudAPI, phoneNumberId: "123456"), "accessToken"),
        (CreateAccountInput(name: "x", provider: .sandbox, phoneNumberId: "123456"), "name"),
        (CreateAccountInput(name: "Short token", provider: .cloudAPI, phoneNumberId: "123456", accessToken: "short"), "accessToken"),
        (CreateAccountInput(name: "Bad phone", provider: .sandbox, phoneNumberId: "12ab"), "phoneNumberId"),
        (CreateAccountInput(name: "Plain http", provider: .sandbox, phoneNumberId: "123456", webhookUrl: "http://example.com/hook"), "webhookUrl"),
        (CreateAccountInput(name: "Evolution", provider: .evolution), "evolutionApiUrl"),
        (CreateAccountInput(name: "Default too soon", provider: .cloudAPI, phoneNumberId: "123456", accessToken: "EAAG-0123456789", isDefault: true), "isDefault"),
    ])
    func invalid(input: CreateAccountInput, field: String) async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let before = try await Seed.counts(app)
            let reply = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner), json: input)
            #expect(reply.status == .unprocessableEntity)
            #expect(reply.fieldErrors.contains(field), "\(reply.text)")
            #expect(try await Seed.counts(app) == before)
        }
    }

    @Test("cursor pages: every account once, at page boundaries and with equal sort keys, both orders, both sort fields",
          arguments: [("createdAt", "asc"), ("createdAt", "desc"), ("name", "asc"), ("name", "desc")])
    func paging(field: String, order: String) async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            // 12 accounts created in the same millisecond: createdAt ties everywhere.
            for index in 0..<12 {
                _ = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner),
                                       json: CreateAccountInput(name: "Acct \(String(format: "%02d", index))", provider: .sandbox, phoneNumberId: Seed.phoneNumberID()))
            }
            let existing = Set(try await WhatsAppAccount.query(on: app.db).filter(\.$workspaceID == a.id).all().compactMap(\.id))
            var seen: [AccountDTO] = []
            var cursor: String?
            var pages: [Int] = []
            repeat {
                let path = "/api/v1/whatsapp-accounts?limit=5&sortField=\(field)&sortOrder=\(order)" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await app.send(.GET, path, key: a.key(.agent)).decode(CursorPage<AccountDTO>.self)
                seen += page.items
                pages.append(page.items.count)
                cursor = page.nextCursor
                // A row inserted between pages must not disturb the walk.
                if pages.count == 1 {
                    _ = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner),
                                           json: CreateAccountInput(name: "Acct late", provider: .sandbox, phoneNumberId: Seed.phoneNumberID()))
                }
            } while cursor != nil && pages.count < 10

            #expect(Set(seen.map(\.id)).count == seen.count)
            #expect(existing.count == 13 && existing.isSubset(of: Set(seen.map(\.id))))
            #expect(seen.count == 13 || seen.count == 14)
            #expect(pages.dropLast().allSatisfy { $0 == 5 })
            if field == "name" {
                let names = seen.map { $0.name.lowercased() }
                #expect(names == (order == "asc" ? names.sorted() : names.sorted(by: >)))
            }
        }
    }

    @Test("search is case-insensitive over name and phone fields; no match is an empty page")
    func search() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            _ = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner),
                                   json: CreateAccountInput(name: "Berlin Office", provider: .sandbox, phoneNumberId: "4930123456", displayPhoneNumber: "+49 30 123456"))
            _ = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner),
                                   json: CreateAccountInput(name: "100%_match", provider: .sandbox, phoneNumberId: "555000111"))

            func names(_ query: String) async throws -> [String] {
                try await app.send(.GET, "/api/v1/whatsapp-accounts?search=\(query)", key: a.key(.agent)).decode(CursorPage<AccountDTO>.self).items.map(\.name)
            }
            #expect(try await names("bErLiN") == ["Berlin Office"])
            #expect(try await names("4930") == ["Berlin Office"])
            #expect(try await names("%25_") == ["100%_match"])
            let none = try await app.send(.GET, "/api/v1/whatsapp-accounts?search=nothing-like-this", key: a.key(.agent)).decode(CursorPage<AccountDTO>.self)
            #expect(none.items.isEmpty && !none.hasMore && none.nextCursor == nil)
        }
    }

    @Test("resolve follows the default, and a change of default changes the next decision")
    func resolveAndCache() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let second = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: a.key(.owner),
                                            json: CreateAccountInput(name: "Second", provider: .sandbox, phoneNumberId: Seed.phoneNumberID())).decode(AccountDTO.self)

            let first = try await app.send(.GET, "/api/v1/whatsapp-accounts/resolve", key: a.key(.agent)).decode(DecisionDTO.self)
            _ = try await app.send(.POST, "/api/v1/whatsapp-accounts/\(second.id)/default", key: a.key(.owner))
            let after = try await app.send(.GET, "/api/v1/whatsapp-accounts/resolve", key: a.key(.agent)).decode(DecisionDTO.self)

            #expect(first.account?.id == a.accountID && first.step == .default)
            #expect(after.account?.id == second.id)
        }
    }
}
