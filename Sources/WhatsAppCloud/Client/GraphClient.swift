import AsyncHTTPClient
import Logging

/// Calls the Graph API for one access token (one tenant) over an injected `HTTPClient`. Cheap to create,
/// so make one per token. Every failure is a `GraphClientError` with its `GraphErrorClass`.
public struct GraphClient: Sendable {
    public let httpClient: HTTPClient
    public var api: GraphAPI
    /// Deadline for each request, including reading the body.
    public var timeout: Duration
    /// Largest body read; media documents may be 100 MB.
    public var maxResponseBytes: Int
    public var logger: Logger

    public init(
        httpClient: HTTPClient, accessToken: AccessToken, baseURL: String = GraphAPI.defaultBaseURL,
        apiVersion: String = WhatsAppCloudVersion.graphAPIVersion, timeout: Duration = .seconds(30),
        maxResponseBytes: Int = 128 * 1024 * 1024, logger: Logger = Logger(label: "WhatsAppCloud.GraphClient")
    ) {
        self.httpClient = httpClient
        self.api = GraphAPI(accessToken: accessToken, baseURL: baseURL, apiVersion: apiVersion)
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.logger = logger
    }

    /// Sends `request` and returns the status and body. Only transport failures throw here.
    public func execute(_ request: GraphRequest) async throws(GraphClientError) -> (status: Int, body: [UInt8]) {
        // The URL carries ids only (the token travels in a header), so it is safe to log.
        logger.debug("graph request", metadata: ["method": "\(request.method.rawValue)", "url": "\(request.url)"])
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        do {
            let response = try await httpClient.execute(
                request.httpClientRequest, timeout: .nanoseconds(nanoseconds), logger: logger)
            let body = try await response.body.collect(upTo: maxResponseBytes)
            let status = Int(response.status.code)
            logger.debug("graph response", metadata: ["status": "\(status)", "url": "\(request.url)"])
            return (status, Array(body.readableBytesView))
        } catch {
            logger.warning("graph transport failure", metadata: ["url": "\(request.url)", "error": "\(error)"])
            throw GraphClientError(transport: String(describing: error))
        }
    }

    private func decoded<T: Decodable>(_ type: T.Type, _ request: GraphRequest) async throws(GraphClientError) -> T {
        let (status, body) = try await execute(request)
        return try GraphResponse.decode(T.self, status: status, body: body)
    }

    private func succeeded(_ request: GraphRequest) async throws(GraphClientError) {
        let (status, body) = try await execute(request)
        try GraphResponse.success(status: status, body: body)
    }

    // MARK: Messages

    public func sendMessage(phoneNumberID: String, _ message: OutgoingMessage) async throws(GraphClientError) -> SendMessageResponse {
        try await decoded(SendMessageResponse.self, api.sendMessage(phoneNumberID: phoneNumberID, message))
    }

    public func markAsRead(phoneNumberID: String, messageID: String, showTypingIndicator: Bool = false) async throws(GraphClientError) {
        let receipt = ReadReceipt(messageID: messageID, showsTypingIndicator: showTypingIndicator)
        try await succeeded(api.markAsRead(phoneNumberID: phoneNumberID, receipt))
    }

    // MARK: Media

    /// Uploads a file and returns its media id (valid 30 days).
    public func uploadMedia(phoneNumberID: String, data: [UInt8], mimeType: String, filename: String) async throws(GraphClientError) -> String {
        try await decoded(
            MediaUploadResponse.self,
            api.uploadMedia(phoneNumberID: phoneNumberID, data: data, mimeType: mimeType, filename: filename)
        ).id
    }

    public func mediaInfo(mediaID: String, phoneNumberID: String? = nil) async throws(GraphClientError) -> MediaInfo {
        try await decoded(MediaInfo.self, api.mediaInfo(mediaID: mediaID, phoneNumberID: phoneNumberID))
    }

    /// The bytes at a media URL (see `GraphAPI.downloadMedia(url:)` on which URLs to pass).
    public func downloadMedia(url: String) async throws(GraphClientError) -> [UInt8] {
        let (status, body) = try await execute(api.downloadMedia(url: url))
        return try GraphResponse.checked(status: status, body: body)
    }

    /// Looks the media up, then downloads it.
    public func downloadMedia(id: String, phoneNumberID: String? = nil) async throws(GraphClientError) -> (info: MediaInfo, data: [UInt8]) {
        let info = try await mediaInfo(mediaID: id, phoneNumberID: phoneNumberID)
        return (info, try await downloadMedia(url: info.url))
    }

    // MARK: Templates

    public func listTemplates(
        wabaID: String, name: String? = nil, status: String? = nil, limit: Int? = nil, after: String? = nil
    ) async throws(GraphClientError) -> GraphPage<MessageTemplate> {
        try await decoded(
            GraphPage<MessageTemplate>.self,
            api.listTemplates(wabaID: wabaID, name: name, status: status, limit: limit, after: after))
    }

    public func createTemplate(wabaID: String, _ template: TemplateDefinition) async throws(GraphClientError) -> CreatedTemplate {
        try await decoded(CreatedTemplate.self, api.createTemplate(wabaID: wabaID, template))
    }

    public func deleteTemplate(wabaID: String, name: String, templateID: String? = nil) async throws(GraphClientError) {
        try await succeeded(api.deleteTemplate(wabaID: wabaID, name: name, templateID: templateID))
    }

    // MARK: Phone numbers

    public func listPhoneNumbers(wabaID: String, fields: [String] = []) async throws(GraphClientError) -> GraphPage<PhoneNumber> {
        try await decoded(GraphPage<PhoneNumber>.self, api.listPhoneNumbers(wabaID: wabaID, fields: fields))
    }

    public func phoneNumber(id: String, fields: [String] = []) async throws(GraphClientError) -> PhoneNumber {
        try await decoded(PhoneNumber.self, api.phoneNumber(id: id, fields: fields))
    }

    public func register(phoneNumberID: String, pin: String, dataLocalizationRegion: String? = nil) async throws(GraphClientError) {
        try await succeeded(
            api.register(phoneNumberID: phoneNumberID, pin: pin, dataLocalizationRegion: dataLocalizationRegion))
    }

    // MARK: Webhook subscription

    public func subscribedApps(wabaID: String) async throws(GraphClientError) -> [SubscribedApp] {
        try await decoded(GraphPage<SubscribedApp>.self, api.subscribedApps(wabaID: wabaID)).data
    }

    public func subscribeApp(wabaID: String, overrideCallbackURI: String? = nil, verifyToken: String? = nil) async throws(GraphClientError) {
        try await succeeded(
            api.subscribeApp(wabaID: wabaID, overrideCallbackURI: overrideCallbackURI, verifyToken: verifyToken))
    }
}
