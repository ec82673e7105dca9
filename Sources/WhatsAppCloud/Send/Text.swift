/// The `text` object of a text message.
public struct Text: Hashable, Sendable, Codable {
    public var body: String
    /// Asks WhatsApp to render a preview of the first URL in `body`; omitted when nil.
    public var previewURL: Bool?

    public init(body: String, previewURL: Bool? = nil) {
        self.body = body
        self.previewURL = previewURL
    }

    enum CodingKeys: String, CodingKey { case body, previewURL = "preview_url" }
}
