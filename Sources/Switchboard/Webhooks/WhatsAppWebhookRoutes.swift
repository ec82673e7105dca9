import Fluent
import Vapor
import WhatsAppCloud

/// `GET /webhooks/whatsapp` (Meta's verification handshake) and `POST /webhooks/whatsapp` (deliveries).
/// Not under /api/v1: Meta authenticates with the verify token and the body signature, not an API key.
struct WhatsAppWebhookRoutes {
    static let maxBody = 1 << 20

    func register(on routes: RoutesBuilder) {
        let hooks = routes.grouped("webhooks", "whatsapp")
        hooks.get(use: verify)
        hooks.on(.POST, body: .collect(maxSize: ByteCount(value: Self.maxBody)), use: receive)
    }

    /// Answers `hub.challenge` as plain text when `hub.mode` is `subscribe` and `hub.verify_token` is the verify
    /// token of some account (compared in constant time); otherwise 403.
    func verify(req: Request) async throws -> Response {
        let items = URLComponents(string: req.url.string)?.queryItems ?? []
        func item(_ name: String) -> String? { items.first { $0.name == name }?.value }
        let mode = item("hub.mode"), token = item("hub.verify_token"), challenge = item("hub.challenge")
        var answer: String?
        if mode == "subscribe", let token, !token.isEmpty {
            let accounts = try await WhatsAppAccount.query(on: req.db).field(\.$verifyToken).all()
            for account in accounts {
                if let reply = VerificationHandshake.respond(mode: mode, token: token, challenge: challenge,
                                                             expectedToken: account.verifyToken) {
                    answer = reply
                }
            }
        }
        guard let answer else {
            throw Problem(.forbidden, type: "verification_failed", detail: "hub.mode must be subscribe and hub.verify_token an account's verify token.")
        }
        var headers = HTTPHeaders()
        headers.contentType = .plainText
        return Response(status: .ok, headers: headers, body: .init(string: answer))
    }

    /// Stores a signed delivery and its effects, then answers 200 once they are committed.
    func receive(req: Request) async throws -> Response {
        try req.requireBody(atMost: Self.maxBody)
        let body = req.body.data.map { Data(buffer: $0) } ?? Data()
        // PostgreSQL cannot hold U+0000 in text (SQLite cuts it short), and a delivery is stored as text, parsed
        // or not, with its strings: such a body is refused before anything is written, signed or not, rather than
        // failing in the transaction. A raw NUL byte is not JSON either.
        if body.contains(0) {
            throw Problem(.badRequest, type: "malformed_json", detail: "The body holds a NUL byte, so it is not JSON.")
        }
        if let field = JSONInput.nulField(in: body, decoder: JSONDecoder()) {
            throw Problem.validation([FieldError(field, "must not contain the NUL character (\\u0000)")],
                                     detail: "The delivery carries a NUL character, which cannot be stored.")
        }
        let services = req.switchboard
        let processor = InboundProcessor(candidates: RoutingCandidates(cache: services.routingCandidates, secrets: services.secrets),
                                         batcher: req.application.inboundBatcher, clock: services.clients.clock,
                                         decisions: services.decisions)
        let outcome = try await processor.receive(body: body, signature: req.headers.first(name: WebhookSignature.headerName),
                                                  requestID: req.id, db: req.db)
        req.logger.info("webhook delivery stored", metadata: [
            "delivery": "\(outcome.deliveryID)", "messages": "\(outcome.messagesStored)",
            "statuses": "\(outcome.statusesStored)", "unrouted": "\(outcome.unrouted)",
        ])
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: #"{"received":true}"#))
    }
}
