import Foundation

/// Builds Graph API requests: where to send, with which headers and body. Pure, so every endpoint's
/// request can be tested without a network; `GraphClient` executes them.
public struct GraphAPI: Sendable {
    public static let defaultBaseURL = "https://graph.facebook.com"

    /// Scheme and host, optionally with a path prefix (an emulator's address, for instance); no trailing slash.
    public var baseURL: String
    /// `vNN.N`.
    public var apiVersion: String
    public var accessToken: AccessToken

    public init(
        accessToken: AccessToken, baseURL: String = GraphAPI.defaultBaseURL,
        apiVersion: String = WhatsAppCloudVersion.graphAPIVersion
    ) {
        self.accessToken = accessToken
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiVersion = apiVersion
    }

    // MARK: Messages

    /// `POST /{phone-number-id}/messages` with a message. The message is sent as given; call `validate()`
    /// first to catch limit violations locally.
    public func sendMessage(phoneNumberID: String, _ message: OutgoingMessage) throws(GraphClientError) -> GraphRequest {
        try request(.POST, [phoneNumberID, "messages"], json: message)
    }

    /// `POST /{phone-number-id}/messages` with `status: read`.
    public func markAsRead(phoneNumberID: String, _ receipt: ReadReceipt) throws(GraphClientError) -> GraphRequest {
        try request(.POST, [phoneNumberID, "messages"], json: receipt)
    }

    // MARK: Media

    /// `POST /{phone-number-id}/media`, multipart with `messaging_product`, `type` and `file`.
    /// `boundary` is a parameter so tests can fix it.
    public func uploadMedia(
        phoneNumberID: String, data: [UInt8], mimeType: String, filename: String,
        boundary: String = "switchboard-\(UUID().uuidString)"
    ) -> GraphRequest {
        var form = MultipartForm(boundary: boundary)
        form.addField(name: "messaging_product", value: "whatsapp")
        form.addField(name: "type", value: mimeType)
        form.addFile(name: "file", filename: filename, contentType: mimeType, data: data)
        var built = request(.POST, [phoneNumberID, "media"])
        built.headers.append(.init(name: "Content-Type", value: form.contentType))
        built.body = form.finished()
        return built
    }

    /// `GET /{media-id}`: the short-lived download URL and the file's metadata.
    public func mediaInfo(mediaID: String, phoneNumberID: String? = nil) -> GraphRequest {
        request(.GET, [mediaID], query: [("phone_number_id", phoneNumberID)])
    }

    /// `GET <url>` with the bearer token, for a URL from `mediaInfo` or an inbound media object. The token is
    /// sent to that URL's host, so only pass URLs that came from Meta (or the configured emulator).
    public func downloadMedia(url: String) -> GraphRequest {
        GraphRequest(method: .GET, url: url, headers: [authorization], body: nil)
    }

    // MARK: Templates

    /// `GET /{waba-id}/message_templates`, one page; pass `after` from the previous page's cursors.
    public func listTemplates(
        wabaID: String, name: String? = nil, status: String? = nil, limit: Int? = nil, after: String? = nil
    ) -> GraphRequest {
        request(
            .GET, [wabaID, "message_templates"],
            query: [("name", name), ("status", status), ("limit", limit.map(String.init)), ("after", after)])
    }

    /// `POST /{waba-id}/message_templates`.
    public func createTemplate(wabaID: String, _ template: TemplateDefinition) throws(GraphClientError) -> GraphRequest {
        try request(.POST, [wabaID, "message_templates"], json: template)
    }

    /// `DELETE /{waba-id}/message_templates?name=…`: every language of `name`, or with `templateID` (`hsm_id`)
    /// only that one.
    public func deleteTemplate(wabaID: String, name: String, templateID: String? = nil) -> GraphRequest {
        request(.DELETE, [wabaID, "message_templates"], query: [("name", name), ("hsm_id", templateID)])
    }

    // MARK: Phone numbers

    /// `GET /{waba-id}/phone_numbers`.
    public func listPhoneNumbers(wabaID: String, fields: [String] = []) -> GraphRequest {
        request(.GET, [wabaID, "phone_numbers"], query: [("fields", Self.joined(fields))])
    }

    /// `GET /{phone-number-id}`.
    public func phoneNumber(id: String, fields: [String] = []) -> GraphRequest {
        request(.GET, [id], query: [("fields", Self.joined(fields))])
    }

    /// `POST /{phone-number-id}/register` with the two-step verification PIN.
    public func register(
        phoneNumberID: String, pin: String, dataLocalizationRegion: String? = nil
    ) throws(GraphClientError) -> GraphRequest {
        try request(
            .POST, [phoneNumberID, "register"],
            json: RegisterBody(pin: pin, dataLocalizationRegion: dataLocalizationRegion))
    }

    // MARK: Webhook subscription

    /// `GET /{waba-id}/subscribed_apps`.
    public func subscribedApps(wabaID: String) -> GraphRequest {
        request(.GET, [wabaID, "subscribed_apps"])
    }

    /// `POST /{waba-id}/subscribed_apps`, optionally routing this WABA's webhooks to another callback.
    public func subscribeApp(
        wabaID: String, overrideCallbackURI: String? = nil, verifyToken: String? = nil
    ) throws(GraphClientError) -> GraphRequest {
        if overrideCallbackURI == nil && verifyToken == nil {
            return request(.POST, [wabaID, "subscribed_apps"])
        }
        return try request(
            .POST, [wabaID, "subscribed_apps"],
            json: SubscribeBody(overrideCallbackURI: overrideCallbackURI, verifyToken: verifyToken))
    }

    // MARK: Building

    private var authorization: GraphRequest.Header { .init(name: "Authorization", value: "Bearer \(accessToken.value)") }

    private func request(
        _ method: GraphRequest.Method, _ path: [String], query: [(String, String?)] = []
    ) -> GraphRequest {
        var url = baseURL + "/" + ([apiVersion] + path).map(PercentEncoding.encode).joined(separator: "/")
        let items = query.compactMap { name, value in value.map { "\(name)=\(PercentEncoding.encode($0))" } }
        if !items.isEmpty { url += "?" + items.joined(separator: "&") }
        return GraphRequest(method: method, url: url, headers: [authorization], body: nil)
    }

    private func request(
        _ method: GraphRequest.Method, _ path: [String], json: some Encodable
    ) throws(GraphClientError) -> GraphRequest {
        var built = request(method, path)
        do {
            built.body = Array(try JSONEncoder().encode(json))
        } catch {
            throw GraphClientError(invalidRequest: "the body could not be encoded: \(error)")
        }
        built.headers.append(.init(name: "Content-Type", value: "application/json"))
        return built
    }

    private static func joined(_ fields: [String]) -> String? {
        fields.isEmpty ? nil : fields.joined(separator: ",")
    }

    private struct RegisterBody: Encodable {
        let messagingProduct = "whatsapp"
        var pin: String
        var dataLocalizationRegion: String?
        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product", pin, dataLocalizationRegion = "data_localization_region"
        }
    }

    private struct SubscribeBody: Encodable {
        var overrideCallbackURI: String?
        var verifyToken: String?
        enum CodingKeys: String, CodingKey { case overrideCallbackURI = "override_callback_uri", verifyToken = "verify_token" }
    }
}
