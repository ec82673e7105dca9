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
        var paths: [String: [String: OperationJSON]] = [:]
        for route in routes {
            guard let operation = route.apiOperation else { continue }
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
                content: operation.responseSchema.map { ["application/json": MediaJSON(schema: .ref($0))] })
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
struct ResponseJSON: Encodable, Sendable { var description: String; var content: [String: MediaJSON]? }
struct MediaJSON: Encodable, Sendable { var schema: Schema }

extension OpenAPIJSON {
    func response() throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try JSONEncoder.api.encode(self)))
    }
}
