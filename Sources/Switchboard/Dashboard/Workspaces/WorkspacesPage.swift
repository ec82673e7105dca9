import Fluent
import Plot
import Vapor

/// Platform admins: every workspace of the installation, and creating one with its first owner.
enum WorkspacesPage {
    struct Row {
        var workspace: WorkspaceDTO
        var members: Int
    }

    struct Model {
        var viewer: DashboardViewer
        var rows: [Row]
        var flash: Flash?
    }

    enum Query {
        static func load(_ req: Request, flash: Flash?) async throws -> Model {
            let workspaces = try await Workspace.query(on: req.db).sort(\.$name).all()
            let memberships = try await Membership.query(on: req.db).all()
            let counts = Dictionary(grouping: memberships, by: \.workspaceID).mapValues(\.count)
            let rows = try workspaces.map { Row(workspace: try WorkspaceDTO($0, role: nil), members: counts[$0.id ?? UUID()] ?? 0) }
            return Model(viewer: try req.viewer, rows: rows, flash: flash)
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            Layout.page(title: "Workspaces", viewer: model.viewer, active: "workspaces", flash: model.flash,
                .table(
                    .thead(.tr(.th(.text("Name")), .th(.text("Slug")), .th(.text("Members")), .th(.text("Created")))),
                    .tbody(.forEach(model.rows) { row in
                        .tr(.td(.text(row.workspace.name)), .td(.code(.text(row.workspace.slug))), .td(.text(String(row.members))),
                            .td(.text(DashboardFormat.time(row.workspace.createdAt))))
                    })
                ),
                .div(.class("card"),
                    .h2(.text("Create a workspace")),
                    .form(.method(.post), .action("/dashboard/workspaces"), Layout.csrf(model.viewer),
                          .label(.text("Name"), .input(.type(.text), .name("name"), .required(true))),
                          .label(.text("Slug"), .input(.type(.text), .name("slug"), .required(true), .placeholder("acme-rentals"))),
                          .label(.text("Owner email (an existing member)"), .input(.type(.email), .name("ownerEmail"), .required(true))),
                          .button(.type(.submit), .text("Create workspace"))))
            )
        }
    }

    struct CreateForm: Content {
        var name: String
        var slug: String
        var ownerEmail: String
    }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req, flash: Flash.notice(req))).response()
    }

    static func create(_ req: Request) async throws -> Response {
        try await FormAction.run(req, back: "/dashboard/workspaces", notice: "Workspace created.", {
            let form = try req.content.decode(CreateForm.self)
            let principal = try req.principal
            let email = EmailAddress.normalize(form.ownerEmail)
            let time = req.clock.now()
            let slug = form.slug.trimmingCharacters(in: .whitespaces).lowercased()
            let requestID = req.id
            try await req.transactor { db in
                guard let owner = try await Member.query(on: db).filter(\.$email == email).first() else {
                    throw Problem.validation([FieldError("ownerEmail", "is not a member of Switchboard yet")])
                }
                _ = try await WorkspaceService.create(name: form.name, slug: slug, owner: owner, actor: principal.actor,
                                                      requestID: requestID, at: time, on: db)
            }
        }, failure: { flash, status in
            View.render(try await Query.load(req, flash: flash)).response(status: status)
        })
    }
}
