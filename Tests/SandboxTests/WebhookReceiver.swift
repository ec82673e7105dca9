import Foundation
import Vapor
import WhatsAppCloud

/// A real HTTP listener on a free loopback port that records every POST it gets, as a gateway would
/// receive the sandbox's webhooks. It can refuse the first deliveries to exercise retries, and answers
/// Meta's verification GET for the token `verify-me`.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var path: String
        var body: [UInt8]
        var signature: String?

        var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(body))) ?? .null }
        var payload: WebhookPayload? { try? JSONDecoder().decode(WebhookPayload.self, from: Data(body)) }
    }

    actor Inbox {
        private(set) var deliveries: [Delivery] = []
        var refusalsLeft: Int

        init(refusals: Int) { refusalsLeft = refusals }

        func receive(_ delivery: Delivery) -> HTTPResponseStatus {
            if refusalsLeft > 0 {
                refusalsLeft -= 1
                return .internalServerError
            }
            deliveries.append(delivery)
            return .ok
        }
    }

    let app: Application
    let port: Int
    let inbox: Inbox

    var url: String { "http://127.0.0.1:\(port)/webhook" }

    private init(app: Application, port: Int, inbox: Inbox) {
        self.app = app
        self.port = port
        self.inbox = inbox
    }

    static func start(refusingFirst refusals: Int = 0) async throws -> WebhookReceiver {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        let inbox = Inbox(refusals: refusals)
        app.on(.POST, "**", body: .collect(maxSize: "10mb")) { request async -> HTTPStatus in
            let body = request.body.data.map { Array($0.readableBytesView) } ?? []
            return await inbox.receive(
                Delivery(path: request.url.path, body: body, signature: request.headers.first(name: WebhookSignature.headerName)))
        }
        app.get("**") { request -> Response in
            let challenge = VerificationHandshake.respond(
                mode: request.query["hub.mode"], token: request.query["hub.verify_token"],
                challenge: request.query["hub.challenge"], expectedToken: "verify-me")
            return challenge.map { Response(status: .ok, body: .init(string: $0)) } ?? Response(status: .forbidden)
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = app.http.server.shared.localAddress?.port ?? 0
        return WebhookReceiver(app: app, port: port, inbox: inbox)
    }

    /// Waits until at least `count` deliveries arrived, or fails after `timeout`.
    func wait(for count: Int, timeout: Duration = .seconds(10)) async throws -> [Delivery] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let deliveries = await inbox.deliveries
            if deliveries.count >= count { return deliveries }
            try await Task.sleep(for: .milliseconds(20))
        }
        struct Timeout: Error, CustomStringConvertible { let description: String }
        throw Timeout(description: "expected \(count) webhooks, got \(await inbox.deliveries.count)")
    }

    func shutdown() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}
