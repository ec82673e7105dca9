/// An error object as webhooks carry it: in `statuses[].errors`, `messages[].errors` and `value.errors`.
public struct WebhookError: Hashable, Sendable, Codable {
    public var code: Int
    public var title: String?
    public var message: String?
    /// `error_data.details`, the explanation Meta says to rely on.
    public var details: String?
    public var href: String?

    public init(code: Int, title: String? = nil, message: String? = nil, details: String? = nil, href: String? = nil) {
        self.code = code
        self.title = title
        self.message = message
        self.details = details
        self.href = href
    }

    /// How a sender should react when a status fails with this error (131047 needs a template, and so on).
    public var errorClass: GraphErrorClass {
        GraphErrorClass.classify(httpStatus: nil, error: GraphError(code: code, message: message))
    }

    private enum CodingKeys: String, CodingKey { case code, title, message, errorData = "error_data", href }
    private struct ErrorData: Codable { var details: String? }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(Int.self, forKey: .code)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        details = try container.decodeIfPresent(ErrorData.self, forKey: .errorData)?.details
        href = try container.decodeIfPresent(String.self, forKey: .href)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encodeIfPresent(message, forKey: .message)
        try container.encodeIfPresent(details.map { ErrorData(details: $0) }, forKey: .errorData)
        try container.encodeIfPresent(href, forKey: .href)
    }
}
