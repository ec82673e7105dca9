import Vapor
import WhatsAppCloud

/// A request body the API accepts. Unknown fields are rejected, so a typo never silently does nothing.
public protocol APIInput: Decodable, Sendable {
    static var fields: Set<String> { get }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private struct TopLevelKeys: Decodable {
    let keys: [String]
    init(from decoder: Decoder) throws {
        keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
    }
}

extension Request {
    /// Refuses a body over `limit` bytes with a 413. Checked in the handler as well as by the collector,
    /// which a body that arrives whole (in-process) skips.
    public func requireBody(atMost limit: Int) throws(Problem) {
        if let body = body.data, body.readableBytes > limit {
            throw Problem(.payloadTooLarge, type: "payload_too_large", detail: "The body is larger than this route accepts (\(limit) bytes).")
        }
    }

    /// Refuses a query parameter holding U+0000 (`%00`) with a 422 naming it, as `JSONInput` does for bodies.
    public func requireNoNULInQuery() throws(Problem) {
        guard let query = url.query, query.contains("%00") else { return }
        let items = URLComponents(string: "?" + query)?.queryItems ?? []
        if let item = items.first(where: { $0.name.contains("\0") || $0.value?.contains("\0") == true }) {
            let name = String(item.name.filter { $0 != "\0" }.prefix(100))
            throw Problem.validation([FieldError(name, "must not contain the NUL character (%00)")])
        }
    }

    /// Decodes a JSON body strictly: 415 for another content type, 400 for malformed JSON,
    /// 422 naming each unknown, missing or mistyped field.
    public func input<T: APIInput>(_ type: T.Type) throws -> T {
        try JSONInput.decode(type, contentType: headers.contentType, body: body.data)
    }
}

public enum JSONInput {
    public static func decode<T: APIInput>(_ type: T.Type, contentType: HTTPMediaType?, body: ByteBuffer?) throws -> T {
        guard let contentType, contentType.type == "application",
              contentType.subType == "json" || contentType.subType.hasSuffix("+json") else {
            throw Problem(.unsupportedMediaType, type: "unsupported_media_type", detail: "Send the body as application/json.")
        }
        guard let body, body.readableBytes > 0 else {
            throw Problem(.badRequest, type: "malformed_json", detail: "A JSON object body is required.")
        }
        let data = Data(buffer: body)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let keys: [String]
        do {
            keys = try decoder.decode(TopLevelKeys.self, from: data).keys
        } catch DecodingError.typeMismatch {
            throw Problem(.badRequest, type: "malformed_json", detail: "The body must be a JSON object.")
        } catch {
            throw Problem(.badRequest, type: "malformed_json", detail: "The body is not valid JSON.")
        }
        let unknown = keys.filter { !T.fields.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw Problem.validation(unknown.map { FieldError(String($0.prefix(100)), "is not a known field") })
        }
        if let field = nulField(in: data, decoder: decoder) {
            throw Problem.validation([FieldError(field, "must not contain the NUL character (\\u0000)")])
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw problem(for: error)
        }
    }

    /// The field of the first string or key holding U+0000, which PostgreSQL cannot store in text and SQLite cuts
    /// short. JSON can only carry it escaped, so bodies without the escape are not parsed again.
    static func nulField(in data: Data, decoder: JSONDecoder) -> String? {
        guard data.range(of: Data(#"\u0000"#.utf8)) != nil, let value = try? decoder.decode(JSONValue.self, from: data) else { return nil }
        return nulPath(in: value, at: "")
    }

    private static func nulPath(in value: JSONValue, at path: String) -> String? {
        switch value {
        case .string(let text):
            return text.contains("\0") ? path : nil
        case .array(let items):
            return items.enumerated().lazy.compactMap { nulPath(in: $1, at: "\(path)[\($0)]") }.first
        case .object(let members):
            if members.keys.contains(where: { $0.contains("\0") }) { return path.isEmpty ? "body" : path }
            return members.sorted { $0.key < $1.key }.lazy
                .compactMap { nulPath(in: $1, at: path.isEmpty ? $0 : "\(path).\($0)") }.first
        case .null, .bool, .int, .double:
            return nil
        }
    }

    static func problem(for error: DecodingError) -> Problem {
        func path(_ codingPath: [CodingKey], _ last: CodingKey? = nil) -> String {
            let keys = codingPath + (last.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .validation([FieldError(path(context.codingPath, key), "is required")])
        case .valueNotFound(_, let context):
            return .validation([FieldError(path(context.codingPath), "must not be null")])
        case .typeMismatch(let type, let context):
            return .validation([FieldError(path(context.codingPath), "must be \(typeName(type))")])
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return .validation([FieldError(path(context.codingPath), "has an invalid value")])
        default:
            return Problem(.badRequest, type: "malformed_json", detail: "The body is not valid JSON.")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        default: "of another type"
        }
    }
}
