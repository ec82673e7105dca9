import Vapor

/// The OpenAPI 3.1 document of `/api/v1`, built from the registered routes and their operations,
/// so a route cannot exist without being described.
enum OpenAPIDocument {
    /// Schemas of request and response bodies, by name; each capability adds its own.
    static var schemas: [String: Schema] {
        var all = commonSchemas
        all.merge(TenancySchemas.all) { first, _ in first }
        all.merge(AccountSchemas.all) { first, _ in first }
        all.merge(MessagingSchemas.all) { first, _ in first }
        all.merge(WebhookEndpointSchemas.all) { first, _ in first }
        return all
    }

    static let commonSchemas: [String: Schema] = [
        "Problem": .object([
            "type": .string(), "title": .string(), "status": .integer(min: 100, max: 599),
            "detail": .string(nullable: true), "requestId": .string(nullable: true),
            "errors": Schema(type: ["array", "null"], items: [.object(["field": .string(), "message": .string()], required: ["field", "message"])]),
        ], required: ["type", "title", "status"]),
    ]

    static func build(routes: [Route], serverURL: String?) -> OpenAPIJSON {
        let described = routes.compactMap { route in route.apiOperation.map { (route, $0) } }
        let targets = described.map { route, operation in
            LinkTarget(operationId: operation.id, pathParameters: route.path.compactMap { component -> String? in
                if case .parameter(let name) = component { return name }
                return nil
            })
        }
        var paths: [String: [String: OperationJSON]] = [:]
        for (route, operation) in described {
            var parameters: [ParameterJSON] = []
            let template = "/" + route.path.map { component -> String in
                if case .parameter(let name) = component {
                    parameters.append(ParameterJSON(name: name, in: "path", required: true, schema: .uuid, description: nil))
                    return "{\(name)}"
                }
                return component.description
            }.joined(separator: "/")
            for query in operation.query {
                parameters.append(ParameterJSON(name: query.name, in: "query", required: false, schema: query.schema, description: query.description))
            }
            var responses: [String: ResponseJSON] = [:]
            responses[String(operation.success)] = ResponseJSON(
                description: operation.summary,
                content: operation.responseSchema.map { ["application/json": MediaJSON(schema: .ref($0))] },
                links: links(from: operation, to: targets))
            for status in operation.errors {
                responses[String(status)] = ResponseJSON(
                    description: HTTPResponseStatus(statusCode: status).reasonPhrase,
                    content: ["application/problem+json": MediaJSON(schema: .ref("Problem"))])
            }
            paths[template, default: [:]][route.method.rawValue.lowercased()] = OperationJSON(
                operationId: operation.id, summary: operation.summary,
                description: operation.permission.minimumRole.map { "Needs the \($0.rawValue) role or higher." } ?? "Platform admins only.",
                parameters: parameters.isEmpty ? nil : parameters,
                requestBody: operation.requestSchema.map {
                    RequestBodyJSON(required: true, content: ["application/json": MediaJSON(schema: .ref($0))])
                },
                responses: responses,
                security: [["apiKey": []]],
                xRequiredPermission: operation.permission.rawValue)
        }
        return OpenAPIJSON(
            info: .init(title: "Switchboard API", version: "1.0.0",
                        description: "A self-hosted, multi-tenant WhatsApp gateway. Every error is application/problem+json."),
            servers: serverURL.map { [.init(url: $0)] } ?? [],
            paths: paths,
            components: .init(schemas: schemas, securitySchemes: ["apiKey": .init(type: "http", scheme: "bearer")]))
    }
}

/// An operation that takes ids in its path, as a link's target.
struct LinkTarget {
    var operationId: String
    var pathParameters: [String]
}

extension OpenAPIDocument {
    /// Links from an operation's answer to every other operation whose path ids it supplies, so a client (or a
    /// stateful tester) can follow create, then read, change and delete.
    static func links(from operation: APIOperation, to targets: [LinkTarget]) -> [String: LinkJSON]? {
        guard let name = operation.responseSchema, let schema = schemas[name] else { return nil }
        var links: [String: LinkJSON] = [:]
        for target in targets where target.operationId != operation.id && !target.pathParameters.isEmpty {
            var values: [String: String] = [:]
            for parameter in target.pathParameters {
                guard let pointer = pointer(to: parameter, in: schema, named: name) else { break }
                values[parameter] = "$response.body#" + pointer
            }
            if values.count == target.pathParameters.count {
                links[target.operationId] = LinkJSON(operationId: target.operationId, parameters: values)
            }
        }
        return links.isEmpty ? nil : links
    }

    /// Where in an answer of schema `name` the value of path parameter `{thingID}` is: its `thingId` property, or,
    /// when the answer is about things (its schema's name says so), its own `id`, the `id` of the one object it
    /// wraps, or the `id` of the first item of the one list it holds.
    static func pointer(to parameter: String, in schema: Schema, named name: String) -> String? {
        guard parameter.hasSuffix("ID"), let properties = schema.properties else { return nil }
        let stem = String(parameter.dropLast(2))
        if properties[stem + "Id"] != nil { return "/\(stem)Id" }
        guard name.lowercased().contains(stem.lowercased()) else { return nil }
        if properties["id"] != nil { return "/id" }
        let wrapped = properties.sorted { $0.key < $1.key }.compactMap { key, value -> String? in
            if value.properties?["id"] != nil { return "/\(key)/id" }
            if value.items?.first?.properties?["id"] != nil { return "/\(key)/0/id" }
            return nil
        }
        return wrapped.count == 1 ? wrapped[0] : nil
    }
}

struct OpenAPIJSON: Encodable, Sendable {
    var openapi = "3.1.0"
    var info: Info
    var servers: [Server]
    var paths: [String: [String: OperationJSON]]
    var components: Components

    struct Info: Encodable, Sendable { var title: String; var version: String; var description: String }
    struct Server: Encodable, Sendable { var url: String }
    struct Components: Encodable, Sendable {
        var schemas: [String: Schema]
        var securitySchemes: [String: SecurityScheme]
    }
    struct SecurityScheme: Encodable, Sendable { var type: String; var scheme: String }
}

struct OperationJSON: Encodable, Sendable {
    var operationId: String
    var summary: String
    var description: String
    var parameters: [ParameterJSON]?
    var requestBody: RequestBodyJSON?
    var responses: [String: ResponseJSON]
    var security: [[String: [String]]]
    var xRequiredPermission: String

    enum CodingKeys: String, CodingKey {
        case operationId, summary, description, parameters, requestBody, responses, security
        case xRequiredPermission = "x-required-permission"
    }
}

struct ParameterJSON: Encodable, Sendable {
    var name: String
    var `in`: String
    var required: Bool
    var schema: Schema
    var description: String?
    init(name: String, in location: String, required: Bool, schema: Schema, description: String?) {
        self.name = name
        self.in = location
        self.required = required
        self.schema = schema
        self.description = description
    }
}

struct RequestBodyJSON: Encodable, Sendable { var required: Bool; var content: [String: MediaJSON] }
struct ResponseJSON: Encodable, Sendable {
    var description: String
    var content: [String: MediaJSON]?
    var links: [String: LinkJSON]? = nil
}
struct LinkJSON: Encodable, Sendable { var operationId: String; var parameters: [String: String] }
struct MediaJSON: Encodable, Sendable { var schema: Schema }

extension OpenAPIJSON {
    func response() throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try JSONEncoder.api.encode(self)))
    }
}
