/// The `error` object of a failed Graph API call:
/// `{"error":{"message","type","code","error_subcode","error_data":{"details"},"fbtrace_id","is_transient",...}}`.
public struct GraphError: Hashable, Sendable, Codable, Error {
    public var code: Int
    /// Embeds `(#code) title`; for people, not for logic.
    public var message: String?
    /// For example `OAuthException`.
    public var type: String?
    public var errorSubcode: Int?
    public var errorData: ErrorData?
    public var fbtraceID: String?
    public var isTransient: Bool?
    public var errorUserTitle: String?
    public var errorUserMsg: String?

    public init(
        code: Int, message: String? = nil, type: String? = nil, errorSubcode: Int? = nil,
        errorData: ErrorData? = nil, fbtraceID: String? = nil, isTransient: Bool? = nil,
        errorUserTitle: String? = nil, errorUserMsg: String? = nil
    ) {
        self.code = code
        self.message = message
        self.type = type
        self.errorSubcode = errorSubcode
        self.errorData = errorData
        self.fbtraceID = fbtraceID
        self.isTransient = isTransient
        self.errorUserTitle = errorUserTitle
        self.errorUserMsg = errorUserMsg
    }

    public struct ErrorData: Hashable, Sendable, Codable {
        public var messagingProduct: String?
        /// What Meta says to build logic on, together with `code`.
        public var details: String?

        public init(messagingProduct: String? = nil, details: String? = nil) {
            self.messagingProduct = messagingProduct
            self.details = details
        }

        enum CodingKeys: String, CodingKey { case messagingProduct = "messaging_product", details }
    }

    enum CodingKeys: String, CodingKey {
        case code, message, type, errorSubcode = "error_subcode", errorData = "error_data"
        case fbtraceID = "fbtrace_id", isTransient = "is_transient", errorUserTitle = "error_user_title"
        case errorUserMsg = "error_user_msg"
    }

    /// The response body shape: `{"error":{...}}`.
    public struct Envelope: Hashable, Sendable, Codable {
        public var error: GraphError

        public init(error: GraphError) { self.error = error }
    }
}
