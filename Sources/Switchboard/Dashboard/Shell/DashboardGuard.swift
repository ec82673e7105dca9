import Fluent
import Vapor

/// Who is looking at the dashboard, and what the layout needs to know about them.
public struct DashboardViewer: Sendable {
    public var principal: Principal
    public var email: String
    public var workspaceName: String
    public var workspaces: [(id: UUID, name: String)]
    public var csrfToken: String
    /// Unread messages in the workspace's open conversations, for the inbox entry of the navigation.
    public var unreadCount: Int
}

struct ViewerKey: StorageKey { typealias Value = DashboardViewer }

enum DashboardCookies {
    static let session = "sb_session"
    static let csrf = "sb_csrf"
    static let sessionLifetime: TimeInterval = 7 * 24 * 3600

    static func cookie(_ value: String, secure: Bool, sameSite: HTTPCookies.SameSitePolicy = .lax, maxAge: Int? = nil) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, maxAge: maxAge, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: sameSite)
    }
}

enum PageKey {
    static let permission: AnySendableHashable = "switchboard.page-permission"
}

extension Route {
    var pagePermission: Permission? { userInfo[PageKey.permission] as? Permission }
}

extension RoutesBuilder {
    /// Registers a dashboard route with the permission the guard checks.
    @discardableResult
    func page<R: AsyncResponseEncodable>(_ method: HTTPMethod, _ path: PathComponent..., permission: Permission,
                                         use handler: @escaping @Sendable (Request) async throws -> R) -> Route {
        let route = on(method, path, body: .collect(maxSize: "64kb"), use: handler)
        route.userInfo[PageKey.permission] = permission
        return route
    }
}

/// The guard of every `/dashboard` route: the session cookie, CSRF on every form post, and the route's permission.
struct DashboardGuard: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard let token = request.cookies[DashboardCookies.session]?.string,
              let session = try await DashboardSession.query(on: request.db).filter(\.$tokenHash == sha256Hex(token)).first(),
              session.expiresAt > request.clock.now(),
              let member = try await Member.find(session.memberID, on: request.db) else {
            return request.redirect(to: "/login")
        }
        let memberID = try member.requireID()
        let workspaces = try await WorkspaceService.memberships(of: memberID, on: request.db)
        guard let current = workspaces.first(where: { $0.0.id == session.workspaceID }) ?? workspaces.first,
              let currentID = current.0.id else {
            try await session.delete(on: request.db)
            return request.redirect(to: "/login")
        }
        if currentID != session.workspaceID {
            session.workspaceID = currentID
            try await session.save(on: request.db)
        }
        let csrf = request.cookies[DashboardCookies.csrf]?.string ?? ""
        if request.method == .POST {
            let sent = (try? request.content.get(String.self, at: "_csrf")) ?? ""
            guard !csrf.isEmpty, constantTimeEqual(sent, csrf) else {
                throw Problem(.forbidden, type: "csrf", detail: "The form is stale or was not sent by this dashboard. Reload the page and try again.")
            }
        }
        let principal = Principal(actor: .member(id: memberID, email: member.email), workspaceID: currentID,
                                  role: current.1, isPlatformAdmin: member.isPlatformAdmin)
        request.storage[PrincipalKey.self] = principal
        request.storage[ViewerKey.self] = DashboardViewer(
            principal: principal, email: member.email, workspaceName: current.0.name,
            workspaces: workspaces.compactMap { w in w.0.id.map { ($0, w.0.name) } }, csrfToken: csrf,
            unreadCount: try await InboxUnread.total(workspaceID: currentID, on: request.db))
        guard let permission = request.route?.pagePermission else { throw Problem.forbidden }
        try principal.require(permission)
        return try await next.respond(to: request)
    }
}

/// Compares two strings in time that depends only on their lengths.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}

extension Request {
    var viewer: DashboardViewer {
        get throws(Problem) {
            guard let viewer = storage[ViewerKey.self] else { throw Problem.unauthorized }
            return viewer
        }
    }
}
