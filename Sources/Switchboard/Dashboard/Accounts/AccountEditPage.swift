import Plot
import Vapor

/// Editing one account. The token and app secret fields are password fields that start blank: blank keeps
/// what is stored, and what is stored is never sent back to the browser.
enum AccountEditPage {
    struct Model {
        var viewer: DashboardViewer
        var account: AccountDTO
        var flash: Flash?
    }

    enum Query {
        static func load(_ req: Request, flash: Flash?) async throws -> Model {
            let viewer = try req.viewer
            let account = try await req.accounts.get(try req.uuid("accountID"), workspaceID: viewer.principal.workspaceID, on: req.db)
            return Model(viewer: viewer, account: account, flash: flash)
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            let account = model.account
            return Layout.page(title: "Edit \(account.name)", viewer: model.viewer, active: "accounts", flash: model.flash,
                .div(.class("card"),
                    .p(.class("muted"), .text("Provider \(account.provider.rawValue) · status \(account.status.rawValue) · phone number id \(account.phoneNumberId ?? "—")")),
                    .p(.text("Webhook verify token: "), .code(.text(account.verifyToken))),
                    .form(.method(.post), .action("/dashboard/accounts/\(account.id.uuidString)/edit"), .id("edit-account-form"),
                          Layout.csrf(model.viewer),
                          FormField.input("Name", name: "name", value: account.name, required: true, flash: model.flash),
                          FormField.input("Display phone number", name: "displayPhoneNumber", value: account.displayPhoneNumber, flash: model.flash),
                          FormField.input("Access token" + (account.accessTokenLast4.map { " (ends in \($0); leave blank to keep)" } ?? ""),
                                          name: "accessToken", type: .password, flash: model.flash),
                          FormField.input("App secret" + (account.hasAppSecret ? " (set; leave blank to keep)" : ""),
                                          name: "appSecret", type: .password, flash: model.flash),
                          FormField.input("Webhook URL (empty clears it)", name: "webhookUrl", type: .url, value: account.webhookUrl, flash: model.flash),
                          .button(.type(.submit), .text("Save")), .text(" "), .a(.href("/dashboard/accounts"), .text("Cancel"))))
            )
        }
    }

    struct Form: Content {
        var name: String?
        var displayPhoneNumber: String?
        var accessToken: String?
        var appSecret: String?
        var webhookUrl: String?
    }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req, flash: nil)).response()
    }

    static func save(_ req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        return try await FormAction.run(req, back: "/dashboard/accounts", notice: "Account saved.", {
            _ = try await req.accounts.update(try req.uuid("accountID"), UpdateAccountInput(
                name: form.name, accessToken: form.accessToken, appSecret: form.appSecret, webhookUrl: form.webhookUrl,
                displayPhoneNumber: form.displayPhoneNumber), context: try req.auditContext, writer: req.transactor)
        }, failure: { flash, status in
            View.render(try await Query.load(req, flash: flash)).response(status: status)
        })
    }
}
