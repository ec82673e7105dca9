import Fluent
import Plot
import Vapor

/// The members page: who is in the workspace, and (for owners) adding, changing and removing them.
enum MembersPage {
    struct Model {
        var viewer: DashboardViewer
        var members: [MemberDTO]
        var flash: Flash?
    }

    enum Query {
        static func load(_ req: Request, flash: Flash?) async throws -> Model {
            let viewer = try req.viewer
            return Model(viewer: viewer, members: try await req.members.list(workspaceID: viewer.principal.workspaceID, on: req.db), flash: flash)
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            let canManage = model.viewer.principal.has(.manageAccess)
            return Layout.page(title: "Members", viewer: model.viewer, active: "members", flash: model.flash,
                .table(
                    .thead(.tr(.th(.text("Email")), .th(.text("Name")), .th(.text("Role")), .th(.text("")))),
                    .tbody(.forEach(model.members) { member in
                        .tr(.td(.text(member.email)), .td(.text(member.name)),
                            .td(canManage
                                ? .form(.class("inline"), .method(.post), .action("/dashboard/members/\(member.id.uuidString)/role"),
                                        Layout.csrf(model.viewer), Layout.roleSelect(name: "role", selected: member.role),
                                        .button(.type(.submit), .text("Change")))
                                : .span(.class("badge"), .text(member.role.rawValue))),
                            .td(.if(canManage,
                                .form(.class("inline"), .method(.post), .action("/dashboard/members/\(member.id.uuidString)/remove"),
                                      Layout.csrf(model.viewer), .button(.type(.submit), .text("Remove"))))))
                    })
                ),
                .if(canManage, .div(.class("card"),
                    .h2(.text("Add a member")),
                    .form(.method(.post), .action("/dashboard/members"), Layout.csrf(model.viewer),
                          .label(.text("Email"), .input(.type(.email), .name("email"), .required(true))),
                          .label(.text("Name"), .input(.type(.text), .name("name"))),
                          .label(.text("Role"), Layout.roleSelect(name: "role", selected: .agent)),
                          .label(.text("Password (only for someone new to Switchboard)"), .input(.type(.password), .name("password"))),
                          .button(.type(.submit), .text("Add member")))))
            )
        }
    }

    struct AddForm: Content {
        var email: String
        var name: String?
        var role: Role
        var password: String?
    }

    struct RoleForm: Content { var role: Role }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req, flash: Flash.notice(req))).response()
    }

    static func add(_ req: Request) async throws -> Response {
        try await perform(req, done: "Member added.") {
            let form = try req.content.decode(AddForm.self)
            let password = form.password.flatMap { $0.isEmpty ? nil : $0 }
            let name = form.name.flatMap { $0.isEmpty ? nil : $0 }
            _ = try await req.members.add(.init(email: form.email, name: name, role: form.role, password: password),
                                          context: try req.auditContext, writer: req.transactor)
        }
    }

    static func changeRole(_ req: Request) async throws -> Response {
        try await perform(req, done: "Role changed.") {
            let form = try req.content.decode(RoleForm.self)
            _ = try await req.members.changeRole(memberID: try req.uuid("memberID"), to: form.role, context: try req.auditContext, writer: req.transactor)
        }
    }

    static func remove(_ req: Request) async throws -> Response {
        try await perform(req, done: "Member removed.") {
            try await req.members.remove(memberID: try req.uuid("memberID"), context: try req.auditContext, writer: req.transactor)
        }
    }

    private static func perform(_ req: Request, done: String, _ action: () async throws -> Void) async throws -> Response {
        try await FormAction.run(req, back: "/dashboard/members", notice: done, action) { flash, status in
            View.render(try await Query.load(req, flash: flash)).response(status: status)
        }
    }
}

