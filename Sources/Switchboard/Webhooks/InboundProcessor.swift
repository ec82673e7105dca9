import Fluent
import Foundation
import WhatsAppCloud

/// What happened to one delivery, for the response and for tests.
struct InboundOutcome: Sendable, Equatable {
    var deliveryID: UUID
    var parsed: Bool
    var messagesStored: Int
    var statusesStored: Int
    var unrouted: Int
}

/// Meta webhook deliveries: verify the signature over the raw bytes, then store the delivery and all its effects in
/// one transaction (shared with the deliveries that arrived meanwhile: `InboundBatcher`). Nothing is written unless
/// the signature verifies.
struct InboundProcessor: Sendable {
    var candidates: RoutingCandidates
    var batcher: InboundBatcher
    var clock: Clock
    var decisions: DecisionCache

    static let actor = Principal.Actor.system("meta-webhook")
    static let maxNames = 500

    func receive(body: Data, signature: String?, requestID: String?, db: Database) async throws -> InboundOutcome {
        guard let signature, !signature.isEmpty else {
            throw Problem(.unauthorized, type: "signature_missing", detail: "The X-Hub-Signature-256 header is required.")
        }
        var payload: WebhookPayload?
        var parseError: String?
        do {
            payload = try JSONDecoder().decode(WebhookPayload.self, from: body)
        } catch {
            parseError = String(describing: error).prefix(2000).description
        }
        // A signed body that does not decode is stored all the same; the ids it names are then found by scanning it.
        let names = payload.map(InboundRouting.names(in:)) ?? InboundRouting.names(in: body)
        // A real delivery names a handful of numbers; thousands would only make the account lookup huge.
        guard names.count <= Self.maxNames else {
            throw Problem(.unprocessableEntity, type: "too_many_numbers",
                          detail: "A delivery may name at most \(Self.maxNames) phone number and business account ids.")
        }
        let verified = try await candidates.verified(body: body, signature: signature, names: names, on: db)
        guard !verified.isEmpty else {
            throw Problem(.forbidden, type: "signature_invalid",
                          detail: "X-Hub-Signature-256 does not match the app secret of any account this delivery names.")
        }
        let stored = try await batcher.store(VerifiedDelivery(bodyText: String(decoding: body, as: UTF8.self), payload: payload,
                                                              parseError: parseError, verified: verified, receivedAt: clock.now(),
                                                              requestID: requestID))
        for workspace in stored.changedWorkspaces { await decisions.invalidate(workspaceID: workspace, platform: true) }
        return stored.outcome
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
