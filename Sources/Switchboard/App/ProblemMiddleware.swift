@preconcurrency import RoutingKit
import Vapor

/// Turns every error into `application/problem+json`: known problems as they are, Vapor's aborts with their
/// status, a wrong method on a known path as 405, and anything unexpected as a 500 that names only the request id.
struct ProblemMiddleware: AsyncMiddleware {
    /// Every registered path, whatever its method, to tell 405 from 404.
    let paths: TrieRouter<[HTTPMethod]>

    init(routes: Routes) {
        var methodsByPath: [String: ([PathComponent], [HTTPMethod])] = [:]
        for route in routes.all {
            let key = route.path.string
            methodsByPath[key, default: (route.path, [])].1.append(route.method)
        }
        let router = TrieRouter<[HTTPMethod]>()
        for (_, entry) in methodsByPath where !entry.0.isEmpty { router.register(entry.1, at: entry.0) }
        paths = router
    }

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return problem(for: error, request: request).response(requestId: request.id)
        }
    }

    func problem(for error: Error, request: Request) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let decoding as DecodingError:
            return JSONInput.problem(for: decoding)
        case let abort as AbortError where abort.status == .notFound && request.route == nil:
            var parameters = Parameters()
            let components = request.url.path.split(separator: "/").map(String.init)
            if let methods = paths.route(path: components, parameters: &parameters), !methods.contains(request.method) {
                var problem = Problem(.methodNotAllowed, type: "method_not_allowed",
                                      detail: "\(request.method.rawValue) is not allowed here; use \(methods.map(\.rawValue).sorted().joined(separator: ", ")).")
                problem.allow = methods.map(\.rawValue).sorted().joined(separator: ", ")
                return problem
            }
            return Problem(.notFound, type: "not_found", detail: "No route matches \(request.method.rawValue) \(request.url.path.prefix(200)).")
        case let abort as AbortError where abort.status == .payloadTooLarge:
            return Problem(.payloadTooLarge, type: "payload_too_large", detail: "The body is larger than this route accepts.")
        case let abort as AbortError where (400..<500).contains(abort.status.code):
            return Problem(abort.status, type: abort.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                           detail: abort.reason)
        default:
            request.logger.error("unexpected failure", metadata: ["error": .string(String(reflecting: error).prefix(500).description)])
            return Problem(.internalServerError, type: "internal", detail: "Something went wrong on our side. Quote the request id when reporting it.")
        }
    }
}
