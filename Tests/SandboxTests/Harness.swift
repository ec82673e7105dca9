import AsyncHTTPClient
import Foundation
import Sandbox
import Vapor
import WhatsAppCloud

/// A sandbox on a free loopback port with one number whose webhooks go to a `WebhookReceiver`, and a
/// `GraphClient` for it.
struct Harness {
    static let phoneNumberId = "106540352242922"
    static let token = "test-token"
    static let appSecret = "test-app-secret"
    static let user = "16505551234"

    let sandbox: SandboxServer
    let port: Int
    let receiver: WebhookReceiver
    let number: SandboxNumber

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var state: SandboxState { sandbox.state }
    var client: GraphClient { client(token: Self.token) }
    var wabaId: String { number.wabaId }

    /// Generous, because the suite runs in parallel on two cores and a 5 MB upload may wait its turn.
    func client(token: String) -> GraphClient {
        GraphClient(httpClient: .shared, accessToken: AccessToken(token), baseURL: baseURL, timeout: .seconds(60))
    }

    /// Runs `body` against a fresh sandbox and receiver, shutting both down afterwards.
    static func with(
        timing: WebhookTiming = .instant, retry: WebhookRetry = WebhookRetry(maxAttempts: 4, initialBackoff: .milliseconds(20)),
        refusingFirst refusals: Int = 0, _ body: (Harness) async throws -> Void
    ) async throws {
        var logger = Logger(label: "sandbox-test")
        logger.logLevel = .warning
        let sandbox = SandboxServer(configuration: SandboxConfiguration(webhookTiming: timing, webhookRetry: retry, seed: 42, logger: logger))
        let receiver = try await WebhookReceiver.start(refusingFirst: refusals)
        let number = SandboxNumber(
            phoneNumberId: phoneNumberId, displayPhoneNumber: "+1 555-010-0199", accessTokens: [token], appSecret: appSecret,
            callbackURL: receiver.url)
        await sandbox.state.upsert(number)
        let port = try await sandbox.start()
        let harness = Harness(sandbox: sandbox, port: port, receiver: receiver, number: number)
        do {
            try await body(harness)
        } catch {
            await sandbox.shutdown()
            await receiver.shutdown()
            throw error
        }
        await sandbox.shutdown()
        await receiver.shutdown()
    }

    /// A JSON call to the sandbox (control or Evolution API).
    @discardableResult
    func call(
        _ method: HTTPMethod, _ path: String, json: JSONValue? = nil, headers: [(String, String)] = []
    ) async throws -> (status: Int, body: JSONValue) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(try JSONEncoder().encode(json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        let body = (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: bytes))) ?? .null
        return (Int(response.status.code), body)
    }

    /// Injects a user message through `POST /sandbox/inbound` and returns the answer.
    @discardableResult
    func inject(from user: String = Harness.user, type: String, _ payload: JSONValue, userId: String? = nil) async throws -> JSONValue {
        var body: [String: JSONValue] = [
            "phoneNumberId": .string(Self.phoneNumberId), "from": .string(user), "type": .string(type), type: payload,
            "profileName": "Test User",
        ]
        if let userId { body["userId"] = .string(userId) }
        let (status, answer) = try await call(.POST, "/sandbox/inbound", json: .object(body))
        guard status == 200 else {
            struct Refused: Error { let answer: JSONValue }
            throw Refused(answer: answer)
        }
        return answer
    }

    /// The classified error a call ended with; nil when it succeeded (or failed otherwise).
    static func failure(_ operation: () async throws -> Void) async -> GraphClientError? {
        do {
            try await operation()
            return nil
        } catch {
            return error as? GraphClientError
        }
    }
}

extension OutgoingMessage {
    static func text(_ body: String, to user: String = Harness.user, tracker: String? = nil) -> OutgoingMessage {
        OutgoingMessage(to: user, bizOpaqueCallbackData: tracker, content: .text(Text(body: body)))
    }
}

extension JSONValue {
    var arrayValue: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }
}
