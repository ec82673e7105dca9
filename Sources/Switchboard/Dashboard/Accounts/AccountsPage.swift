import Fluent
import Plot
import Vapor

/// The accounts page: a searchable, sortable, paged table with badges; a form to add an account; edit, default,
/// activate and deactivate. Works without JavaScript; a few lines of script debounce the search box.
enum AccountsPage {
    struct Model {
        var viewer: DashboardViewer
        var query: AccountListQuery
        var page: CursorPage<AccountDTO>
        var flash: Flash?
        /// What the "new account" form held when it came back with errors.
        var draft: [String: String] = [:]
        var showForm = false
    }

    enum Query {
        static func load(_ req: Request, flash: Flash?, draft: [String: String] = [:]) async throws -> Model {
            let viewer = try req.viewer
            var query = (try? req.query.decode(AccountListQuery.self)) ?? AccountListQuery()
            if query.search?.isEmpty == true { query.search = nil }
            let page: CursorPage<AccountDTO>
            do {
                page = try await req.accounts.list(query, workspaceID: viewer.principal.workspaceID, on: req.db)
            } catch let problem as Problem {
                query.cursor = nil
                query.limit = nil
                return Model(viewer: viewer, query: query,
                             page: try await req.accounts.list(query, workspaceID: viewer.principal.workspaceID, on: req.db),
                             flash: .from(problem))
            }
            return Model(viewer: viewer, query: query, page: page, flash: flash, draft: draft, showForm: !draft.isEmpty)
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            let canWrite = model.viewer.principal.has(.write)
            return Layout.page(title: "WhatsApp accounts", viewer: model.viewer, active: "accounts", flash: model.flash,
                toolbar(model),
                model.page.items.isEmpty
                    ? .div(.class("card empty"), .id("empty-state"),
                           .p(.text(model.query.search == nil ? "No accounts yet." : "No account matches “\(model.query.search ?? "")”.")),
                           .if(canWrite && model.query.search == nil, .p(.a(.href("#new-account"), .text("Add your first WhatsApp account")))))
                    : table(model, canWrite: canWrite),
                .if(model.page.nextCursor != nil, .p(.a(.id("next-page"), .href(link(model, cursor: model.page.nextCursor)), .text("Next page →")))),
                .if(model.query.cursor != nil, .p(.a(.href(link(model, cursor: nil)), .text("← First page")))),
                .if(canWrite, newForm(model)),
                .script(.raw(debounceScript))
            )
        }

        static func toolbar(_ model: Model) -> Node<HTML.BodyContext> {
            .form(.method(.get), .action("/dashboard/accounts"), .class("toolbar card"), .id("account-filters"),
                  .label(.text("Search"), .input(.type(.search), .name("search"), .id("account-search"), .value((model.query.search ?? "").attributeEscaped),
                                                 .placeholder("name or phone"))),
                  .label(.text("Show"), FormField.select(name: "isActive", options: [("true", "Active"), ("false", "Inactive")],
                                                         selected: String(model.query.isActive ?? true))),
                  .label(.text("Sort by"), FormField.select(name: "sortField", options: [("createdAt", "Created"), ("name", "Name")],
                                                            selected: model.query.field.rawValue)),
                  .label(.text("Order"), FormField.select(name: "sortOrder", options: [("desc", "Descending"), ("asc", "Ascending")],
                                                          selected: model.query.order.rawValue)),
                  .button(.type(.submit), .text("Apply")))
        }

        static func table(_ model: Model, canWrite: Bool) -> Node<HTML.BodyContext> {
            .table(.id("accounts"),
                .thead(.tr(.th(.text("Name")), .th(.text("Phone number id")), .th(.text("Business account id")), .th(.text("Status")),
                           .th(.text("Updated")), .th(.text("")))),
                .tbody(.forEach(model.page.items) { account in
                    .tr(.data(named: "account-name", value: account.name.attributeEscaped),
                        .td(.text(account.name)), .td(.code(.text(account.phoneNumberId ?? "—"))), .td(.text(account.businessAccountId ?? "—")),
                        .td(badges(account)), .td(.text(DashboardFormat.time(account.updatedAt))),
                        .td(.if(canWrite, actions(account, model.viewer))))
                })
            )
        }

        static func badges(_ account: AccountDTO) -> Node<HTML.BodyContext> {
            var badges: [(String, String)] = []
            if account.isDefault { badges.append(("default", "Default")) }
            if !account.isActive { badges.append(("inactive", "Inactive")) }
            if account.status == .pendingVerification { badges.append(("unverified", "Unverified")) }
            if account.status == .reauthRequired { badges.append(("unverified", "Needs re-authorisation")) }
            if account.status == .disconnected { badges.append(("inactive", "Disconnected")) }
            if account.isPlatform { badges.append(("platform", "Platform")) }
            return .group(badges.map { badge in .span(.class("badge \(badge.0)"), .text(badge.1)) })
        }

        static func actions(_ account: AccountDTO, _ viewer: DashboardViewer) -> Node<HTML.BodyContext> {
            let base = "/dashboard/accounts/\(account.id.uuidString)"
            return .group(
                .a(.href(base + "/edit"), .text("Edit")),
                .if(!account.isDefault && account.isActive && account.status == .active,
                    .form(.class("inline"), .method(.post), .action(base + "/default"), Layout.csrf(viewer), .button(.type(.submit), .text("Set default")))),
                account.isActive
                    ? .form(.class("inline"), .method(.post), .action(base + "/deactivate"), Layout.csrf(viewer), .button(.type(.submit), .text("Deactivate")))
                    : .form(.class("inline"), .method(.post), .action(base + "/activate"), Layout.csrf(viewer), .button(.type(.submit), .text("Activate"))),
                .if(viewer.principal.has(.platform) && !account.isPlatform && account.isActive && account.status == .active,
                    .form(.class("inline"), .method(.post), .action("/dashboard/platform/mark/\(account.id.uuidString)"), Layout.csrf(viewer),
                          .button(.type(.submit), .text("Make platform number"))))
            )
        }

        static func newForm(_ model: Model) -> Node<HTML.BodyContext> {
            let draft = model.draft
            let flash = model.showForm ? model.flash : nil
            return .element(named: "details", nodes: [
                .attribute(named: "class", value: "card"), .attribute(named: "id", value: "new-account"),
                model.showForm ? .attribute(named: "open", value: "open") : .empty,
                .element(named: "summary", text: "New account"),
                .form(.method(.post), .action("/dashboard/accounts"), .id("new-account-form"), Layout.csrf(model.viewer),
                      FormField.input("Name", name: "name", value: draft["name"], required: true, flash: flash),
                      .label(.text("Provider"), FormField.select(name: "provider", options: [
                          ("cloud_api", "Meta Cloud API"), ("sandbox", "Built-in sandbox"), ("evolution", "Evolution (QR)"), ("desktop", "Desktop sender"),
                      ], selected: draft["provider"] ?? "cloud_api")),
                      FormField.input("Phone number id", name: "phoneNumberId", value: draft["phoneNumberId"], flash: flash),
                      FormField.input("Business account id", name: "businessAccountId", value: draft["businessAccountId"], flash: flash),
                      FormField.input("Display phone number", name: "displayPhoneNumber", value: draft["displayPhoneNumber"], flash: flash),
                      FormField.input("Access token", name: "accessToken", type: .password, flash: flash),
                      FormField.input("App secret (for webhook signatures)", name: "appSecret", type: .password, flash: flash),
                      FormField.input("Webhook URL (optional)", name: "webhookUrl", type: .url, value: draft["webhookUrl"], flash: flash),
                      .button(.type(.submit), .text("Create account"))),
            ])
        }

        static func link(_ model: Model, cursor: String?) -> String {
            var components = URLComponents()
            components.path = "/dashboard/accounts"
            var items: [URLQueryItem] = []
            if let search = model.query.search { items.append(.init(name: "search", value: search)) }
            items.append(.init(name: "isActive", value: String(model.query.isActive ?? true)))
            items.append(.init(name: "sortField", value: model.query.field.rawValue))
            items.append(.init(name: "sortOrder", value: model.query.order.rawValue))
            if let cursor { items.append(.init(name: "cursor", value: cursor)) }
            components.queryItems = items
            return components.string ?? "/dashboard/accounts"
        }

        /// Submits the filter form 300 ms after the last keystroke in the search box.
        static let debounceScript = """
        (function(){var s=document.getElementById('account-search');if(!s)return;var t;
        s.addEventListener('input',function(){clearTimeout(t);t=setTimeout(function(){s.form.submit()},300)});
        var toast=document.getElementById('toast');if(toast&&toast.classList.contains('notice')){setTimeout(function(){toast.remove()},4000)}})();
        """
    }

    struct CreateForm: Content {
        var name: String?
        var provider: AccountProvider?
        var phoneNumberId: String?
        var businessAccountId: String?
        var displayPhoneNumber: String?
        var accessToken: String?
        var appSecret: String?
        var webhookUrl: String?

        /// Empty form fields mean "not given".
        var input: CreateAccountInput {
            func given(_ value: String?) -> String? { value.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
            return CreateAccountInput(name: name ?? "", provider: provider, phoneNumberId: given(phoneNumberId),
                                      businessAccountId: given(businessAccountId), displayPhoneNumber: given(displayPhoneNumber),
                                      accessToken: given(accessToken), appSecret: given(appSecret), webhookUrl: given(webhookUrl))
        }

        /// What the form shows again after an error; never the token or secret.
        var draft: [String: String] {
            ["name": name, "provider": provider?.rawValue, "phoneNumberId": phoneNumberId, "businessAccountId": businessAccountId,
             "displayPhoneNumber": displayPhoneNumber, "webhookUrl": webhookUrl].compactMapValues { $0 }
        }
    }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req, flash: Flash.notice(req))).response()
    }

    static func create(_ req: Request) async throws -> Response {
        let form = try req.content.decode(CreateForm.self)
        return try await FormAction.run(req, back: "/dashboard/accounts", notice: "Account created.", {
            _ = try await req.accounts.create(form.input, context: try req.auditContext, writer: req.transactor)
        }, failure: { flash, status in
            var draft = form.draft
            draft["_open"] = "1"
            return View.render(try await Query.load(req, flash: flash, draft: draft)).response(status: status)
        })
    }

    static func setDefault(_ req: Request) async throws -> Response {
        try await rowAction(req, notice: "Default account changed.") {
            _ = try await req.accounts.setDefault(try req.uuid("accountID"), context: try req.auditContext, writer: req.transactor)
        }
    }

    static func activate(_ req: Request) async throws -> Response {
        try await rowAction(req, notice: "Account activated.") {
            _ = try await req.accounts.setActive(try req.uuid("accountID"), true, context: try req.auditContext, writer: req.transactor)
        }
    }

    static func deactivate(_ req: Request) async throws -> Response {
        try await rowAction(req, notice: "Account deactivated.") {
            _ = try await req.accounts.setActive(try req.uuid("accountID"), false, context: try req.auditContext, writer: req.transactor)
        }
    }

    private static func rowAction(_ req: Request, notice: String, _ action: () async throws -> Void) async throws -> Response {
        try await FormAction.run(req, back: "/dashboard/accounts", notice: notice, action) { flash, status in
            View.render(try await Query.load(req, flash: flash)).response(status: status)
        }
    }
}
