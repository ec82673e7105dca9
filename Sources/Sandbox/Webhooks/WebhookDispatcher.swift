import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import WhatsAppCloud

/// What happened to one webhook.
public struct DeliveryResult: Sendable, Codable, Hashable {
    /// The receiver answered 2xx.
    public var delivered: Bool
    public var attempts: Int
    /// The last HTTP status, if any answer came.
    public var status: Int?
    public var error: String?
}

/// Posts webhooks, signed like Meta's when a secret is given, retrying with exponential backoff.
struct WebhookDispatcher: Sendable {
    let httpClient: HTTPClient
    let retry: WebhookRetry
    let state: SandboxState
    let logger: Logger

    /// Posts `body` byte for byte; `X-Hub-Signature-256` is its HMAC with `appSecret`.
    func deliver(_ body: [UInt8], to url: String?, appSecret: String?) async -> DeliveryResult {
        guard let url else {
            await state.count { $0.webhooksWithoutCallback += 1 }
            return DeliveryResult(delivered: false, attempts: 0, error: "no callback URL")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "facebookexternalua")
        if let appSecret { request.headers.add(name: WebhookSignature.headerName, value: WebhookSignature.sign(body: body, appSecret: appSecret)) }
        request.body = .bytes(body)

        var result = DeliveryResult(delivered: false, attempts: 0)
        var backoff = retry.initialBackoff
        while result.attempts < max(1, retry.maxAttempts), !Task.isCancelled {
            if result.attempts > 0 {
                try? await Task.sleep(for: backoff)
                backoff *= 2
            }
            result.attempts += 1
            do {
                let response = try await httpClient.execute(request, timeout: .nanoseconds(retry.timeout.nanoseconds), logger: logger)
                _ = try? await response.body.collect(upTo: 1 << 20)
                result.status = Int(response.status.code)
                result.error = nil
                if (200..<300).contains(response.status.code) {
                    result.delivered = true
                    await state.count { $0.webhooksDelivered += 1 }
                    return result
                }
            } catch {
                result.error = String(describing: error)
            }
            await state.count { $0.webhookAttemptsFailed += 1 }
        }
        logger.warning("sandbox webhook abandoned", metadata: ["url": "\(url)", "attempts": "\(result.attempts)"])
        await state.count { $0.webhooksAbandoned += 1 }
        return result
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
