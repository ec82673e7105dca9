import Foundation
import Vapor

/// How every dashboard form post ends: success goes back to the page with a notice (post/redirect/get);
/// a problem shows the page again with the error and the fields it names, under the problem's status.
enum FormAction {
    static func run(_ req: Request, back path: String, notice: String, _ action: () async throws -> Void,
                    failure: (Flash, HTTPResponseStatus) async throws -> Response) async throws -> Response {
        do {
            try await action()
            let encoded = notice.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return req.redirect(to: "\(path)?notice=\(encoded)", redirectType: .normal)
        } catch let problem as Problem {
            return try await failure(.from(problem), problem.httpStatus)
        }
    }
}

extension Flash {
    /// The notice a redirect after a successful action carries in `?notice=`.
    static func notice(_ req: Request) -> Flash? {
        (try? req.query.get(String.self, at: "notice")).map { Flash(kind: .notice, message: String($0.prefix(200))) }
    }
}
