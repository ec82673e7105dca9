import Plot
import Vapor

/// The API keys page (owners): the keys, a form to create one (shown once), and revoking.
enum APIKeysPage {
    struct Model {
        var viewer: DashboardViewer
        var keys: [APIKeyDTO]
        var flash: Flash?
        /// The key just created: the only time it is on a page.
        var newKey: String?
    }

    enum Query {
        static func load(_ req: Request, flash: Flash?, newKey: String? = nil) async throws -> Model {
            let viewer = try req.viewer
            return Model(viewer: viewer, keys: try await req.apiKeys.list(workspaceID: viewer.principal.workspaceID, on: req.db),
                         flash: flash, newKey: newKey)
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            Layout.page(title: "API keys", viewer: model.viewer, active: "api-keys", flash: model.flash,
                .if(model.newKey != nil, .div(.class("card"),
                    .p(.text("Copy this key now. It will not be shown again.")),
                    .code(.class("secret"), .id("new-key"), .text(model.newKey ?? "")))),
                .table(
                    .thead(.tr(.th(.text("Name")), .th(.text("Prefix")), .th(.text("Role")), .th(.text("Created")),
                               .th(.text("Last used")), .th(.text("")))),
                    .tbody(.forEach(model.keys) { key in
                        .tr(.td(.text(key.name)), .td(.code(.text(key.prefix))), .td(.span(.class("badge"), .text(key.role.rawValue))),
                            .td(.text(DashboardFormat.time(key.createdAt))), .td(.text(key.lastUsedAt.map(DashboardFormat.time) ?? "never")),
                            .td(key.revokedAt == nil
                                ? .form(.class("inline"), .method(.post), .action("/dashboard/api-keys/\(key.id.uuidString)/revoke"),
                                        Layout.csrf(model.viewer), .button(.type(.submit), .text("Revoke")))
                                : .span(.class("badge"), .text("revoked"))))
                    })
                ),
                .div(.class("card"),
                    .h2(.text("Create an API key")),
                    .form(.method(.post), .action("/dashboard/api-keys"), Layout.csrf(model.viewer),
                          .label(.text("Name"), .input(.type(.text), .name("name"), .required(true))),
                          .label(.text("Role"), Layout.roleSelect(name: "role", selected: .manager)),
                          .button(.type(.submit), .text("Create key"))))
            )
        }
    }

    struct CreateForm: Content {
        var name: String
        var role: Role
    }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req, flash: Flash.notice(req))).response()
    }

    static func create(_ req: Request) async throws -> Response {
        do {
            let form = try req.content.decode(CreateForm.self)
            let created = try await req.apiKeys.create(.init(name: form.name, role: form.role), context: try req.auditContext, writer: req.transactor)
            let model = try await Query.load(req, flash: Flash(kind: .notice, message: "API key \(created.apiKey.prefix) created."), newKey: created.key)
            return View.render(model).response(status: .created)
        } catch let problem as Problem {
            return View.render(try await Query.load(req, flash: .from(problem))).response(status: problem.httpStatus)
        }
    }

    static func revoke(_ req: Request) async throws -> Response {
        try await FormAction.run(req, back: "/dashboard/api-keys", notice: "API key revoked.", {
            _ = try await req.apiKeys.revoke(id: try req.uuid("keyID"), context: try req.auditContext, writer: req.transactor)
        }, failure: { flash, status in
            View.render(try await Query.load(req, flash: flash)).response(status: status)
        })
    }
}

enum DashboardFormat {
    static func time(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
    }
}
