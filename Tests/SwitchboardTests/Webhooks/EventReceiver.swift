import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A real HTTP listener on a free loopback port standing in for a workspace's webhook endpoint: it records every
/// POST (exact body and headers) and answers with the statuses it was given, then 200.
final class EventReceiver: Sendable {
    struct Request: Sendable {
        var body: String
        var headers: HTTPHeaders
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    private let app: Application
    let port: Int
    private let state: NIOLockedValueBox<(requests: [Request], statuses: [HTTPResponseStatus])>

    var url: String { "http://127.0.0.1:\(port)/hooks" }
    var requests: [Request] { state.withLockedValue { $0.requests } }

    private init(app: Application, port: Int, state: NIOLockedValueBox<(requests: [Request], statuses: [HTTPResponseStatus])>) {
        self.app = app
        self.port = port
        self.state = state
    }

    /// `answering` is consumed one status per request; `always` repeats forever once reached.
    static func start(answering statuses: [HTTPResponseStatus] = [], always: HTTPResponseStatus = .ok) async throws -> EventReceiver {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        let state = NIOLockedValueBox<(requests: [Request], statuses: [HTTPResponseStatus])>(([], statuses))
        app.on(.POST, "**", body: .collect(maxSize: "1mb")) { request -> HTTPStatus in
            let body = request.body.data.map { String(buffer: $0) } ?? ""
            return state.withLockedValue { value in
                value.requests.append(Request(body: body, headers: request.headers))
                return value.statuses.isEmpty ? always : value.statuses.removeFirst()
            }
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        return EventReceiver(app: app, port: app.http.server.shared.localAddress?.port ?? 0, state: state)
    }

    func shutdown() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}

/// Runs `body` with receivers that are shut down afterwards, even when it throws.
func withReceivers<T>(_ receivers: [EventReceiver], _ body: () async throws -> T) async throws -> T {
    do {
        let result = try await body()
        for receiver in receivers { await receiver.shutdown() }
        return result
    } catch {
        for receiver in receivers { await receiver.shutdown() }
        throw error
    }
}
