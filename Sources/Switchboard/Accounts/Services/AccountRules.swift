import Foundation

/// The checks on account fields, as plain functions so they are tested without a server.
enum AccountRules {
    static let secretPurposes = (accessToken: "account.access_token", appSecret: "account.app_secret", evolutionKey: "account.evolution_api_key")

    /// Meta's ids are digits.
    static func isGraphID(_ value: String) -> Bool {
        (3...32).contains(value.count) && value.allSatisfy(\.isASCII) && value.allSatisfy(\.isNumber)
    }

    /// https anywhere; plain http only to this machine (development).
    static func webhookURLProblem(_ raw: String) -> String? {
        guard raw.count <= 2048, let url = URL(string: raw), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return "must be an absolute URL"
        }
        if scheme == "https" { return nil }
        if scheme == "http", ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) { return nil }
        return "must be https (plain http only to a loopback address)"
    }

    /// The status an account starts in: Cloud API numbers wait for verification; the built-in sandbox is
    /// verified by construction; QR and desktop sessions start disconnected until they connect.
    static func initialStatus(for provider: AccountProvider) -> AccountStatus {
        switch provider {
        case .cloudAPI: .pendingVerification
        case .sandbox: .active
        case .evolution, .desktop: .disconnected
        }
    }

    /// Only an active, verified account sends or becomes the default.
    static func isUsable(isActive: Bool, status: AccountStatus) -> Bool {
        isActive && status == .active
    }

    static func check(_ input: CreateAccountInput) -> (FieldChecks, AccountProvider) {
        var checks = FieldChecks()
        let provider = input.provider ?? .cloudAPI
        checks.text("name", input.name, min: 2, max: 120)
        if let id = input.phoneNumberId, !isGraphID(id) { checks.fail("phoneNumberId", "must be 3 to 32 digits") }
        if let id = input.businessAccountId, !isGraphID(id) { checks.fail("businessAccountId", "must be 3 to 32 digits") }
        checks.text("displayPhoneNumber", input.displayPhoneNumber, max: 32, required: false)
        if let url = input.webhookUrl, !url.isEmpty, let problem = webhookURLProblem(url) { checks.fail("webhookUrl", problem) }
        if let secret = input.appSecret, !(8...512).contains(secret.count) { checks.fail("appSecret", "must be 8 to 512 characters") }
        checkRate(input.messagesPerSecond, into: &checks)
        switch provider {
        case .cloudAPI, .sandbox:
            if input.phoneNumberId == nil { checks.fail("phoneNumberId", "is required for \(provider.rawValue) accounts") }
            if provider == .cloudAPI {
                checkToken(input.accessToken, required: true, into: &checks)
            } else if input.accessToken != nil {
                checkToken(input.accessToken, required: false, into: &checks)
            }
        case .evolution:
            if let url = input.evolutionApiUrl {
                if let problem = webhookURLProblem(url) { checks.fail("evolutionApiUrl", problem) }
            } else {
                checks.fail("evolutionApiUrl", "is required for evolution accounts")
            }
            if (input.evolutionApiKey ?? "").count < 8 { checks.fail("evolutionApiKey", "must be at least 8 characters") }
            checks.text("evolutionInstanceName", input.evolutionInstanceName, max: 120)
        case .desktop:
            break
        }
        return (checks, provider)
    }

    /// Meta's throughput levels run from 20 (coexistence numbers) through 80 (default) to 1,000 per second.
    static let rates = 1...1000
    static let defaultRate = 80

    static func checkRate(_ rate: Int?, into checks: inout FieldChecks) {
        if let rate, !rates.contains(rate) { checks.fail("messagesPerSecond", "must be from \(rates.lowerBound) to \(rates.upperBound)") }
    }

    static func checkToken(_ token: String?, required: Bool, into checks: inout FieldChecks) {
        guard let token else {
            if required { checks.fail("accessToken", "is required for cloud_api accounts") }
            return
        }
        if token.count < 10 { checks.fail("accessToken", "must be at least 10 characters") }
        if token.count > 4096 { checks.fail("accessToken", "must be at most 4096 characters") }
        if token.contains(where: \.isWhitespace) { checks.fail("accessToken", "must not contain spaces") }
    }
}
