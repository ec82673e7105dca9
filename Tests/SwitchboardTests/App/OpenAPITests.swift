import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("describes every registered /api/v1 route with its bodies and errors")
    func everyRoute() async throws {
        try await withTestApp { app in
            let reply = try await app.send(.GET, "/openapi.json")
            #expect(reply.status == .ok)
            let document = reply.json
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])

            for route in app.routes.all where route.path.first?.description == "api" {
                let template = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                let operation = try #require(paths[template]?[route.method.rawValue.lowercased()] as? [String: Any],
                                             "\(route.method.rawValue) \(template) is missing from /openapi.json")
                let responses = try #require(operation["responses"] as? [String: Any])
                #expect(responses["401"] != nil && responses["403"] != nil)
                for reference in Self.references(in: operation) {
                    #expect(schemas[reference] != nil, "\(reference) is referenced but not defined")
                }
            }
        }
    }

    static func references(in value: Any) -> [String] {
        if let dictionary = value as? [String: Any] {
            let own = (dictionary["$ref"] as? String).map { [String($0.split(separator: "/").last ?? "")] } ?? []
            return own + dictionary.values.flatMap(references)
        }
        if let array = value as? [Any] { return array.flatMap(references) }
        return []
    }
}
