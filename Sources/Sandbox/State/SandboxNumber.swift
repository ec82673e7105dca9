/// A business phone number the sandbox plays Meta for: its ids, the tokens that may call it, the app
/// secret its webhooks are signed with and where they go.
public struct SandboxNumber: Sendable, Codable, Hashable {
    public var phoneNumberId: String
    public var wabaId: String
    public var displayPhoneNumber: String
    public var verifiedName: String
    /// Bearer tokens accepted for this number, its WABA and its media.
    public var accessTokens: [String]
    /// Key of the `X-Hub-Signature-256` HMAC on every webhook.
    public var appSecret: String
    /// The app's webhook callback; nil keeps webhooks in the sandbox (nothing is posted).
    public var callbackURL: String?
    public var verifyToken: String
    /// Set by `POST /{pnid}/register`.
    public var registered: Bool
    /// Set by `POST /{waba}/subscribed_apps`; its optional override replaces `callbackURL`.
    public var subscribed: Bool
    public var overrideCallbackURI: String?

    public init(
        phoneNumberId: String, wabaId: String? = nil, displayPhoneNumber: String = "+1 555-010-0000",
        verifiedName: String = "Switchboard Sandbox", accessTokens: [String] = ["sandbox-token"],
        appSecret: String = "sandbox-app-secret", callbackURL: String? = nil, verifyToken: String = "sandbox-verify-token"
    ) {
        self.phoneNumberId = phoneNumberId
        self.wabaId = wabaId ?? "1" + phoneNumberId
        self.displayPhoneNumber = displayPhoneNumber
        self.verifiedName = verifiedName
        self.accessTokens = accessTokens
        self.appSecret = appSecret
        self.callbackURL = callbackURL
        self.verifyToken = verifyToken
        self.registered = true
        self.subscribed = true
        self.overrideCallbackURI = nil
    }

    /// Where this number's webhooks go: nowhere while the app is unsubscribed from the WABA.
    public var webhookURL: String? { subscribed ? overrideCallbackURI ?? callbackURL : nil }

    /// `metadata.display_phone_number` carries digits only.
    var displayDigits: String { displayPhoneNumber.filter(\.isNumber) }

    private enum CodingKeys: String, CodingKey {
        case phoneNumberId, wabaId, displayPhoneNumber, verifiedName, accessToken, accessTokens, appSecret
        case callbackURL, verifyToken, registered, subscribed, overrideCallbackURI
    }

    /// Only `phoneNumberId` is required; `accessToken` (one) or `accessTokens` (several) are both accepted.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SandboxNumber(phoneNumberId: try container.decode(String.self, forKey: .phoneNumberId))
        self = SandboxNumber(
            phoneNumberId: defaults.phoneNumberId,
            wabaId: try container.decodeIfPresent(String.self, forKey: .wabaId),
            displayPhoneNumber: try container.decodeIfPresent(String.self, forKey: .displayPhoneNumber) ?? defaults.displayPhoneNumber,
            verifiedName: try container.decodeIfPresent(String.self, forKey: .verifiedName) ?? defaults.verifiedName,
            accessTokens: try container.decodeIfPresent([String].self, forKey: .accessTokens)
                ?? (try container.decodeIfPresent(String.self, forKey: .accessToken)).map { [$0] } ?? defaults.accessTokens,
            appSecret: try container.decodeIfPresent(String.self, forKey: .appSecret) ?? defaults.appSecret,
            callbackURL: try container.decodeIfPresent(String.self, forKey: .callbackURL),
            verifyToken: try container.decodeIfPresent(String.self, forKey: .verifyToken) ?? defaults.verifyToken)
        registered = try container.decodeIfPresent(Bool.self, forKey: .registered) ?? true
        subscribed = try container.decodeIfPresent(Bool.self, forKey: .subscribed) ?? true
        overrideCallbackURI = try container.decodeIfPresent(String.self, forKey: .overrideCallbackURI)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(phoneNumberId, forKey: .phoneNumberId)
        try container.encode(wabaId, forKey: .wabaId)
        try container.encode(displayPhoneNumber, forKey: .displayPhoneNumber)
        try container.encode(verifiedName, forKey: .verifiedName)
        try container.encode(accessTokens, forKey: .accessTokens)
        try container.encode(appSecret, forKey: .appSecret)
        try container.encodeIfPresent(callbackURL, forKey: .callbackURL)
        try container.encode(verifyToken, forKey: .verifyToken)
        try container.encode(registered, forKey: .registered)
        try container.encode(subscribed, forKey: .subscribed)
        try container.encodeIfPresent(overrideCallbackURI, forKey: .overrideCallbackURI)
    }
}
