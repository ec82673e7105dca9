import Fluent
import Vapor

/// Logging in and out of the dashboard.
struct LoginRoutes {
    struct Form: Content {
        var email: String?
        var password: String?
        var _csrf: String?
    }

    func register(on routes: RoutesBuilder) {
        routes.get("login", use: show)
        routes.on(.POST, "login", body: .collect(maxSize: "16kb"), use: login)
        routes.on(.POST, "logout", body: .collect(maxSize: "16kb"), use: logout)
    }

    func show(_ req: Request) async throws -> Response {
        let csrf = req.cookies[DashboardCookies.csrf]?.string ?? req.switchboard.clients.random.token()
        return render(req, LoginView.Model(csrfToken: csrf), status: .ok)
    }

    func login(_ req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let email = EmailAddress.normalize(form.email ?? "")
        let csrf = req.cookies[DashboardCookies.csrf]?.string ?? ""
        guard !csrf.isEmpty, constantTimeEqual(form._csrf ?? "", csrf) else {
            let fresh = req.switchboard.clients.random.token()
            return render(req, .init(email: email, csrfToken: fresh, error: "The form was stale. Please try again."), status: .forbidden)
        }
        let services = req.switchboard
        let address = req.remoteAddress?.ipAddress ?? "unknown"
        guard await services.loginThrottle.allows(email: email, address: address) else {
            return render(req, .init(email: email, csrfToken: csrf, error: "Too many failed attempts. Wait a few minutes and try again."),
                          status: .tooManyRequests)
        }
        let member = try await Member.query(on: req.db).filter(\.$email == email).first()
        // Verify against a fixed hash when the email is unknown, so timing does not reveal who has an account.
        let valid = await services.passwords.verify(form.password ?? "", hash: member?.passwordHash ?? Self.decoyHash)
        guard let member, valid else {
            await services.loginThrottle.recordFailure(email: email, address: address)
            req.logger.notice("dashboard login failed", metadata: ["address": .string(address)])
            return render(req, .init(email: email, csrfToken: csrf, error: "Wrong email or password."), status: .unauthorized)
        }
        guard let home = try await WorkspaceService.memberships(of: try member.requireID(), on: req.db).first?.0.id else {
            return render(req, .init(email: email, csrfToken: csrf, error: "This account belongs to no workspace yet."), status: .forbidden)
        }
        await services.loginThrottle.recordSuccess(email: email)
        let token = services.clients.random.token()
        let now = req.clock.now()
        try await DashboardSession(tokenHash: sha256Hex(token), memberID: try member.requireID(), workspaceID: home,
                                   createdAt: now, expiresAt: now.addingTimeInterval(DashboardCookies.sessionLifetime)).create(on: req.db)
        let response = req.redirect(to: "/dashboard", redirectType: .normal)
        let secure = services.config.secureCookies
        response.cookies[DashboardCookies.session] = DashboardCookies.cookie(token, secure: secure, maxAge: Int(DashboardCookies.sessionLifetime))
        // A fresh CSRF token per login, so one seen before login is worthless after it.
        response.cookies[DashboardCookies.csrf] = DashboardCookies.cookie(services.clients.random.token(), secure: secure, sameSite: .strict)
        return response
    }

    func logout(_ req: Request) async throws -> Response {
        let form = try? req.content.decode(Form.self)
        let csrf = req.cookies[DashboardCookies.csrf]?.string ?? ""
        if let token = req.cookies[DashboardCookies.session]?.string, !csrf.isEmpty, constantTimeEqual(form?._csrf ?? "", csrf) {
            try await DashboardSession.query(on: req.db).filter(\.$tokenHash == sha256Hex(token)).delete()
        }
        let response = req.redirect(to: "/login", redirectType: .normal)
        response.cookies[DashboardCookies.session] = DashboardCookies.cookie("", secure: req.switchboard.config.secureCookies, maxAge: 0)
        return response
    }

    private func render(_ req: Request, _ model: LoginView.Model, status: HTTPResponseStatus) -> Response {
        let response = LoginView.render(model).response(status: status)
        response.cookies[DashboardCookies.csrf] = DashboardCookies.cookie(model.csrfToken, secure: req.switchboard.config.secureCookies, sameSite: .strict)
        return response
    }

    /// bcrypt of a random string nobody knows, at cost 12.
    static let decoyHash = "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5sSGyoLvxrPg9bPqdsQ9vEoHhUOhY5e"
}
