import Fluent
import Plot
import Vapor

/// Platform admins: which account is the platform number, and which workspaces use it, since when and by whom.
enum PlatformPage {
    struct Model {
        var viewer: DashboardViewer
        var platformAccount: (name: String, phone: String?, workspace: String)?
        var rows: [PlatformUsage.Row]
        var flash: Flash?
    }

    enum Query {
        static func load(_ req: Request, flash: Flash?) async throws -> Model {
            var current: (String, String?, String)?
            if let account = try await WhatsAppAccount.query(on: req.db).filter(\.$isPlatform == true).first() {
                let workspace = try await Workspace.find(account.workspaceID, on: req.db)
                current = (account.name, account.displayPhoneNumber ?? account.phoneNumberID, workspace?.name ?? "?")
            }
            return Model(viewer: try req.viewer, platformAccount: current, rows: try await PlatformUsage.workspaces(on: req.db), flash: flash)
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            Layout.page(title: "Platform number", viewer: model.viewer, active: "platform", flash: model.flash,
                .div(.class("card"),
                    model.platformAccount.map { account in
                        .group(.p(.text("The platform number is "), .strong(.text(account.name)), .text(" (\(account.phone ?? "—")) in \(account.workspace).")),
                               .form(.method(.post), .action("/dashboard/platform/clear"), Layout.csrf(model.viewer),
                                     .button(.type(.submit), .text("Stop sharing it"))))
                    } ?? .p(.text("No platform number yet. Mark one from the accounts page of the workspace that owns it."))),
                .h2(.text("Workspaces using it")),
                .if(model.rows.isEmpty, .p(.class("muted"), .text("No workspace has switched it on."))),
                .table(.id("platform-workspaces"),
                    .thead(.tr(.th(.text("Workspace")), .th(.text("Since")), .th(.text("Switched on by")))),
                    .tbody(.forEach(model.rows) { row in
                        .tr(.td(.text(row.workspaceName)), .td(.text(row.since.map(DashboardFormat.time) ?? "—")), .td(.text(row.switchedBy ?? "—")))
                    }))
            )
        }
    }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req, flash: Flash.notice(req))).response()
    }

    static func mark(_ req: Request) async throws -> Response {
        try await change(req, to: try req.uuid("accountID"), notice: "Platform number changed.")
    }

    static func clear(_ req: Request) async throws -> Response {
        try await change(req, to: nil, notice: "The platform number is no longer shared.")
    }

    private static func change(_ req: Request, to accountID: UUID?, notice: String) async throws -> Response {
        try await FormAction.run(req, back: "/dashboard/platform", notice: notice, {
            try await PlatformUsage.mark(accountID, principal: try req.principal, requestID: req.id, at: req.clock.now(),
                                         writer: req.transactor, decisions: req.switchboard.decisions)
        }, failure: { flash, status in
            View.render(try await Query.load(req, flash: flash)).response(status: status)
        })
    }
}
