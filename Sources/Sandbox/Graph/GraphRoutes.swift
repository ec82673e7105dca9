import Foundation
import Vapor
import WhatsAppCloud

/// The Graph API endpoints `GraphAPI` builds, under any `/vNN.N/` prefix.
struct GraphRoutes {
    let state: SandboxState
    let statuses: StatusWebhooks

    func register(on routes: any RoutesBuilder) {
        let graph = routes.grouped(GraphMiddleware(state: state)).grouped(":version")
        graph.on(.POST, ":id", "messages", body: .collect(maxSize: "1mb"), use: send)
        MediaRoutes(state: state).register(on: graph, download: routes.grouped(GraphMiddleware(state: state, checksVersion: false)))
        TemplateRoutes(state: state).register(on: graph)
        AccountRoutes(state: state).register(on: graph)
        // `GET /{id}` names a phone number or a media file.
        graph.get(":id") { request async throws -> Response in
            let id = try request.parameters.require("id")
            if await state.number(id) != nil { return try await AccountRoutes(state: state).phoneNumber(request) }
            return try await MediaRoutes(state: state).info(request)
        }
    }

    /// `POST /{pnid}/messages`: a message or a read receipt.
    func send(_ request: Request) async throws -> Response {
        let number = try await GraphAuth(state: state, request: request).number(try request.parameters.require("id"))
        let faults = await state.faults(for: number.phoneNumberId)
        if faults.latencyMs > 0 { try await Task.sleep(for: .milliseconds(faults.latencyMs)) }
        try await state.rollTransientFaults(phoneNumberId: number.phoneNumberId)
        switch try SendChecks.parse(request.bodyBytes) {
        case .readReceipt:
            await state.count { $0.readReceipts += 1 }
            return .json(["success": true])
        case .message(let message):
            let accepted = try await state.accept(message, from: number)
            await statuses.schedule(accepted, number: number)
            var contact: JSONValue = ["input": .string(message.to ?? message.recipient ?? "")]
            if let waID = accepted.record.to { contact = ["input": .string(message.to ?? waID), "wa_id": .string(waID)] }
            var sent: [String: JSONValue] = ["id": .string(accepted.record.id)]
            if accepted.record.templateName != nil { sent["message_status"] = "accepted" }
            let answer: JSONValue = ["messaging_product": "whatsapp", "contacts": [contact], "messages": [.object(sent)]]
            return .json(answer)
        }
    }
}

/// Checks the `vNN.N` prefix and renders every failure of a Graph route in Meta's envelope, counting it.
/// Anything unexpected becomes a transient 131000, as Meta answers for its own faults.
struct GraphMiddleware: AsyncMiddleware {
    let state: SandboxState
    var checksVersion = true

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            if checksVersion, !Self.isVersion(request.parameters.get("version") ?? "") {
                throw GraphFailure(100, "Unknown path components: \(request.url.path)")
            }
            return try await next.respond(to: request)
        } catch let failure as GraphFailure {
            await state.countGraphError(code: failure.error.code)
            return failure.response()
        } catch {
            request.logger.error("sandbox Graph route failed: \(error)")
            await state.countGraphError(code: 131000)
            return GraphFailure(131000, String(describing: error)).response()
        }
    }

    /// `v` then digits, a dot, digits.
    static func isVersion(_ value: String) -> Bool {
        let parts = value.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        return value.hasPrefix("v") && parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}
