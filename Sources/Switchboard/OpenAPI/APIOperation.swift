import Vapor

/// What an `/api/v1` route needs and answers: the permission checked by the guard, and what the OpenAPI
/// document says about it. A route cannot be registered without one.
public struct APIOperation: Sendable {
    public struct Query: Sendable {
        var name: String
        var schema: Schema
        var description: String
    }

    public var id: String
    public var summary: String
    public var permission: Permission
    public var query: [Query] = []
    public var requestSchema: String?
    public var success: Int
    public var responseSchema: String?
    public var errors: [Int]

    public init(_ id: String, _ summary: String, permission: Permission, query: [Query] = [],
                request: String? = nil, success: Int = 200, response: String? = nil, errors: [Int] = []) {
        self.id = id
        self.summary = summary
        self.permission = permission
        self.query = query
        self.requestSchema = request
        self.success = success
        self.responseSchema = response
        var all = Set(errors).union([401, 403, 429])
        if request != nil { all.formUnion([400, 413, 415, 422]) }
        // A query string that is not form-encoded (a stray `%`) is a 400; a value of the wrong kind is a 422.
        if !query.isEmpty { all.formUnion([400, 422]) }
        self.errors = all.sorted()
    }

}

extension APIOperation.Query {
    public static func param(_ name: String, _ schema: Schema, _ description: String) -> Self {
        Self(name: name, schema: schema, description: description)
    }
}

enum OperationKey {
    static let userInfo: AnySendableHashable = "switchboard.operation"
}

extension Route {
    public var apiOperation: APIOperation? { userInfo[OperationKey.userInfo] as? APIOperation }
}

extension RoutesBuilder {
    /// Registers an API route with its operation. JSON bodies are capped at 64 KiB unless `maxBody` says otherwise.
    @discardableResult
    public func api<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ path: PathComponent..., operation: APIOperation, maxBody: ByteCount = "64kb",
        use handler: @escaping @Sendable (Request) async throws -> Response
    ) -> Route {
        let limit = maxBody.value
        let readsQuery = !operation.query.isEmpty
        let route = on(method, path, body: .collect(maxSize: maxBody)) { request in
            try request.requireBody(atMost: limit)
            if readsQuery { try request.requireNoNULInQuery() }
            return try await handler(request)
        }
        route.userInfo[OperationKey.userInfo] = operation
        return route
    }
}
