import Fluent
import Vapor
import WhatsAppCloud

/// `/api/v1/messages`: sending, and reading a message with its history.
struct MessagesAPI {
    func register(on api: RoutesBuilder) {
        let messages = api.grouped("messages")
        messages.api(.POST, operation: .init(
            "sendMessage",
            "Queue a message: `to` (E.164) or `recipient` (user id), `type` and the Cloud API object of that type; optional `replyTo`, `accountId`, `agentId`. Send an `Idempotency-Key` header to make retries safe",
            permission: .message, request: "SendMessage", success: 202, response: "MessageDetail", errors: [409]), use: send)
        messages.api(.GET, ":messageID", operation: .init(
            "getMessage", "One message with the account that sent it, the resolver's decision and its status history",
            permission: .read, response: "MessageDetail", errors: [404]), use: get)
    }

    func send(_ req: Request) async throws -> Response {
        let input = try SendMessageInput.decode(contentType: req.headers.contentType, body: req.body.data)
        let idempotency = try Self.idempotency(req)
        let (message, created) = try await req.sends.accept(input, idempotency: idempotency, context: try req.auditContext,
                                                            db: req.db, writer: req.transactor)
        let response = try await message.encodeResponse(status: .accepted, for: req)
        if !created { response.headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true") }
        return response
    }

    func get(_ req: Request) async throws -> MessageDetailDTO {
        try await MessageQueries.detail(try req.uuid("messageID"), workspaceID: try req.principal.workspaceID, on: req.db)
    }

    /// The `Idempotency-Key` header, with the hash of the body it came with.
    static func idempotency(_ req: Request) throws -> SendService.Idempotency? {
        guard let key = req.headers.first(name: "Idempotency-Key") else { return nil }
        return try SendService.Idempotency(key: key, body: req.body.data.map { Data(buffer: $0) } ?? Data())
    }
}

extension Request {
    var sends: SendService {
        SendService(clock: clock, resolution: ResolutionService(cache: switchboard.decisions))
    }
}
