import Foundation

/// What a webhook endpoint may hold.
enum WebhookEndpointRules {
    static let secretPurpose = "webhook_endpoint.secret"
    static let wildcard = "*"

    static func checkURL(_ raw: String, targets: WebhookTargets, into checks: inout FieldChecks) {
        guard raw.count <= 2048 else { return checks.fail("url", "must be at most 2048 characters") }
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            return checks.fail("url", "must be an absolute http or https URL")
        }
        // A name is checked each time it is delivered to, because what it resolves to can change.
        if let refusal = targets.refusal(literalHost: host) { checks.fail("url", "must reach a public address: \(refusal)") }
    }

    /// The kinds as stored: known kinds without repeats, or `["*"]` alone.
    static func kinds(_ raw: [String], into checks: inout FieldChecks) -> [String] {
        if raw.isEmpty {
            checks.fail("eventKinds", "must name at least one event kind, or \"*\" for every kind")
            return []
        }
        if raw.contains(wildcard) {
            if raw.count > 1 { checks.fail("eventKinds", "\"*\" already means every kind; send it alone") }
            return [wildcard]
        }
        var kinds: [String] = []
        for (index, kind) in raw.enumerated() {
            if EventKind(rawValue: kind) == nil {
                checks.fail("eventKinds[\(index)]", "is not an event kind (\(EventKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            } else if !kinds.contains(kind) {
                kinds.append(kind)
            }
        }
        return kinds
    }

    static func checkSecret(_ secret: String?, into checks: inout FieldChecks) {
        guard let secret else { return }
        if !(16...256).contains(secret.count) { checks.fail("secret", "must be 16 to 256 characters") }
    }

    static func generateSecret(_ random: RandomSource) -> String {
        "whsec_" + random.token(24)
    }

    static func encode(_ kinds: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(kinds)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
