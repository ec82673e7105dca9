import Vapor
import WhatsAppCloud

/// The sandbox's own JSON API under `/sandbox`: numbers, faults, timing, what was sent, counters, reset,
/// and injecting user messages or arbitrary webhooks. Unauthenticated: the sandbox is a test tool, bound to
/// loopback by default.
struct ControlRoutes {
    let server: SandboxServer
    var state: SandboxState { server.state }

    func register(on routes: any RoutesBuilder) {
        let sandbox = routes.grouped("sandbox")
        sandbox.post("numbers") { request async throws -> Response in
            let number = try request.content.decode(SandboxNumber.self)
            await state.upsert(number)
            return .json(number, status: .created)
        }
        sandbox.get("numbers") { _ async in Response.json(await state.allNumbers()) }
        sandbox.get("numbers", ":id") { request async throws -> Response in
            .json(try await number(request))
        }
        sandbox.put("numbers", ":id", "faults") { request async throws -> Response in
            let faults = try request.content.decode(Faults.self)
            await state.setFaults(faults, for: try await number(request).phoneNumberId)
            return .json(faults)
        }
        sandbox.get("numbers", ":id", "sent") { request async throws -> Response in
            let id = try await number(request).phoneNumberId
            let counts = await state.callbackDataCounts(for: id)
            return .json(
                SentReport(
                    phoneNumberId: id, messages: await state.sentMessages(for: id), callbackDataCounts: counts,
                    duplicateCallbackData: counts.filter { $0.value > 1 }))
        }
        sandbox.put("timing") { request async throws -> Response in
            let timing = try request.content.decode(WebhookTiming.self)
            await state.setTiming(timing)
            return .json(timing)
        }
        sandbox.get("stats") { _ async in Response.json(await state.stats()) }
        sandbox.post("reset") { request async -> Response in
            await state.reset(keepingNumbers: request.query[Bool.self, at: "numbers"] != true)
            return .json(["success": true])
        }
        sandbox.post("inbound") { request async throws -> Response in
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(request.bodyBytes))
            do {
                return .json(try await server.injectInbound(try InboundInjection(json: json)))
            } catch let invalid as InboundInjection.Invalid {
                throw Abort(.badRequest, reason: invalid.description)
            }
        }
        sandbox.on(.POST, "webhooks", "raw", body: .collect(maxSize: "10mb")) { request async throws -> Response in
            guard let id = request.query[String.self, at: "phoneNumberId"] else {
                throw Abort(.badRequest, reason: "phoneNumberId is required in the query")
            }
            guard let result = await server.deliverRaw(request.bodyBytes, phoneNumberId: id) else {
                throw Abort(.notFound, reason: "no number \(id)")
            }
            return .json(result)
        }
    }

    private func number(_ request: Request) async throws -> SandboxNumber {
        let id = try request.parameters.require("id")
        guard let number = await state.number(id) else { throw Abort(.notFound, reason: "no number \(id)") }
        return number
    }

    /// `GET /sandbox/numbers/{id}/sent`.
    struct SentReport: Codable {
        var phoneNumberId: String
        var messages: [SentMessage]
        /// How many accepted sends carried each `biz_opaque_callback_data`.
        var callbackDataCounts: [String: Int]
        /// The entries of `callbackDataCounts` above 1: the same tracker sent more than once.
        var duplicateCallbackData: [String: Int]
    }
}
