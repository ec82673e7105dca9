import Vapor

/// One field that was wrong in a request, for the `errors[]` of a problem.
public struct FieldError: Content, Equatable, Sendable {
    public var field: String
    public var message: String
    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

/// RFC 9457 problem details: the body of every API error.
public struct Problem: Error, Content, Sendable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var errors: [FieldError]?
    public var requestId: String?
    /// The methods a path does take, sent as `Allow` with a 405.
    public var allow: String?

    enum CodingKeys: String, CodingKey { case type, title, status, detail, errors, requestId }

    public init(_ status: HTTPResponseStatus, type: String, title: String? = nil, detail: String? = nil, errors: [FieldError]? = nil) {
        self.status = Int(status.code)
        self.type = "https://switchboard.dev/problems/\(type)"
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.errors = errors
    }

    public var httpStatus: HTTPResponseStatus { .init(statusCode: status) }

    public static func validation(_ errors: [FieldError], detail: String = "The request has invalid fields.") -> Problem {
        Problem(.unprocessableEntity, type: "validation", title: "Invalid request", detail: detail, errors: errors)
    }
    public static func notFound(_ what: String) -> Problem {
        Problem(.notFound, type: "not_found", detail: "\(what) was not found.")
    }
    public static func conflict(_ type: String, field: String?, detail: String) -> Problem {
        Problem(.conflict, type: type, title: "Conflict", detail: detail, errors: field.map { [FieldError($0, detail)] })
    }
    public static let unauthorized = Problem(.unauthorized, type: "unauthorized", detail: "A valid API key or session is required.")
    public static let forbidden = Problem(.forbidden, type: "forbidden", detail: "Your role does not allow this action.")

    /// Encodes the problem as an `application/problem+json` response.
    public func response(requestId: String?) -> Response {
        var body = self
        body.requestId = requestId
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data(#"{"status":500,"title":"Internal Server Error"}"#.utf8)
        var headers = HTTPHeaders()
        headers.contentType = .init(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
        if let requestId { headers.replaceOrAdd(name: "X-Request-Id", value: requestId) }
        if let allow { headers.replaceOrAdd(name: .allow, value: allow) }
        return Response(status: httpStatus, headers: headers, body: .init(data: data))
    }
}
