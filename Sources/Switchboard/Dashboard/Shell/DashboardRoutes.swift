import Fluent
import Vapor

/// Every dashboard route. Pages live in their own folders; this only wires them behind the guard.
struct DashboardRoutes {
    struct SwitchForm: Content { var workspaceId: UUID }

    func register(on routes: RoutesBuilder) {
        LoginRoutes().register(on: routes)
        routes.get { req in req.redirect(to: "/dashboard") }
        let dashboard = routes.grouped("dashboard").grouped(DashboardGuard())
        dashboard.page(.GET, permission: .read) { req in req.redirect(to: "/dashboard/accounts") }
        dashboard.page(.POST, "workspace", permission: .read, use: switchWorkspace)

        dashboard.page(.GET, "inbox", permission: .read, use: InboxPage.show)
        dashboard.page(.GET, "inbox", ":conversationID", permission: .read, use: ThreadPage.show)
        dashboard.page(.POST, "inbox", ":conversationID", "reply", permission: .message, use: ReplyBox.send)
        dashboard.page(.POST, "inbox", ":conversationID", "archive", permission: .message, use: ThreadPage.archive)
        dashboard.page(.POST, "inbox", ":conversationID", "block", permission: .message, use: ThreadPage.block)
        dashboard.page(.POST, "inbox", ":conversationID", "reopen", permission: .message, use: ThreadPage.reopen)

        dashboard.page(.GET, "accounts", permission: .read, use: AccountsPage.show)
        dashboard.page(.POST, "accounts", permission: .write, use: AccountsPage.create)
        dashboard.page(.GET, "accounts", ":accountID", "edit", permission: .write, use: AccountEditPage.show)
        dashboard.page(.POST, "accounts", ":accountID", "edit", permission: .write, use: AccountEditPage.save)
        dashboard.page(.POST, "accounts", ":accountID", "default", permission: .write, use: AccountsPage.setDefault)
        dashboard.page(.POST, "accounts", ":accountID", "activate", permission: .write, use: AccountsPage.activate)
        dashboard.page(.POST, "accounts", ":accountID", "deactivate", permission: .write, use: AccountsPage.deactivate)

        dashboard.page(.GET, "settings", permission: .read, use: SettingsPage.show)
        dashboard.page(.POST, "settings", permission: .write, use: SettingsPage.save)

        dashboard.page(.GET, "platform", permission: .platform, use: PlatformPage.show)
        dashboard.page(.GET, "deliveries", permission: .platform, use: DeliveriesPage.show)
        dashboard.page(.POST, "platform", "mark", ":accountID", permission: .platform, use: PlatformPage.mark)
        dashboard.page(.POST, "platform", "clear", permission: .platform, use: PlatformPage.clear)

        dashboard.page(.GET, "webhooks", permission: .read, use: WebhooksPage.show)
        dashboard.page(.POST, "webhooks", permission: .write, use: WebhooksPage.create)
        dashboard.page(.POST, "webhooks", ":endpointID", "activate", permission: .write, use: WebhooksPage.activate)
        dashboard.page(.POST, "webhooks", ":endpointID", "deactivate", permission: .write, use: WebhooksPage.deactivate)
        dashboard.page(.GET, "webhooks", ":endpointID", permission: .read, use: WebhookEndpointPage.show)
        dashboard.page(.POST, "webhooks", ":endpointID", "test", permission: .write, use: WebhookEndpointPage.sendTest)
        dashboard.page(.POST, "webhooks", ":endpointID", "rotate-secret", permission: .write, use: WebhookEndpointPage.rotateSecret)
        dashboard.page(.POST, "webhooks", ":endpointID", "deliveries", ":deliveryID", "replay", permission: .write, use: WebhookEndpointPage.replay)

        dashboard.page(.GET, "members", permission: .read, use: MembersPage.show)
        dashboard.page(.POST, "members", permission: .manageAccess, use: MembersPage.add)
        dashboard.page(.POST, "members", ":memberID", "role", permission: .manageAccess, use: MembersPage.changeRole)
        dashboard.page(.POST, "members", ":memberID", "remove", permission: .manageAccess, use: MembersPage.remove)

        dashboard.page(.GET, "api-keys", permission: .manageAccess, use: APIKeysPage.show)
        dashboard.page(.POST, "api-keys", permission: .manageAccess, use: APIKeysPage.create)
        dashboard.page(.POST, "api-keys", ":keyID", "revoke", permission: .manageAccess, use: APIKeysPage.revoke)

        dashboard.page(.GET, "audit", permission: .read, use: AuditPage.show)

        dashboard.page(.GET, "workspaces", permission: .platform, use: WorkspacesPage.show)
        dashboard.page(.POST, "workspaces", permission: .platform, use: WorkspacesPage.create)
    }

    /// Moves the session to another workspace of the same member; any other id is a 404.
    func switchWorkspace(_ req: Request) async throws -> Response {
        let form = try req.content.decode(SwitchForm.self)
        guard case .member(let memberID, _) = try req.principal.actor,
              try await Membership.query(on: req.db).filter(\.$memberID == memberID).filter(\.$workspaceID == form.workspaceId).first() != nil,
              let token = req.cookies[DashboardCookies.session]?.string else {
            throw Problem.notFound("Workspace")
        }
        try await DashboardSession.query(on: req.db).filter(\.$tokenHash == sha256Hex(token)).set(\.$workspaceID, to: form.workspaceId).update()
        return req.redirect(to: "/dashboard/accounts", redirectType: .normal)
    }
}
