import Fluent
import Vapor

/// The guard of every `/api/v1` route: authenticates the bearer API key, then checks the route's permission.
/// This is the one place roles are enforced for the API.
struct APIGuard: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard let token = request.headers.bearerAuthorization?.token else {
            throw Problem.unauthorized
        }
        guard let key = try await APIKeyService.authenticate(token, on: request.db) else {
            throw Problem(.unauthorized, type: "unauthorized", detail: "The API key is not valid or has been revoked.")
        }
        let principal = Principal(actor: .apiKey(id: try key.requireID(), name: key.name), workspaceID: key.workspaceID,
                                  role: key.role, isPlatformAdmin: false)
        request.storage[PrincipalKey.self] = principal
        request.logger[metadataKey: "workspace"] = .string(key.workspaceID.uuidString)
        guard let operation = request.route?.apiOperation else { throw Problem.forbidden }
        try principal.require(operation.permission)
        try await Self.touch(key, now: request.clock.now(), on: request.db)
        return try await next.respond(to: request)
    }

    /// Records when a key was last used, at most once a minute per key, so reads do not become writes.
    static func touch(_ key: APIKey, now: Date, on db: Database) async throws {
        if let last = key.lastUsedAt, now.timeIntervalSince(last) < 60 { return }
        try await APIKey.query(on: db).filter(\.$id == key.requireID()).set(\.$lastUsedAt, to: now).update()
    }
}
