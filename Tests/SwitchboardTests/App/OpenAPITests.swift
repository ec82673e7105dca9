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

    @Test("an operation that reads a query string documents 400 for one that is not form-encoded")
    func queryErrors() async throws {
        try await withTestApp { app in
            let paths = try #require(try await app.send(.GET, "/openapi.json").json["paths"] as? [String: [String: [String: Any]]])
            for (path, operations) in paths {
                for (method, operation) in operations where operation["parameters"].map(Self.hasQuery) == true {
                    let responses = try #require(operation["responses"] as? [String: Any])
                    #expect(responses["400"] != nil && responses["422"] != nil, "\(method) \(path)")
                }
            }
        }
    }

    @Test("links lead from an answer to the operations that take its ids")
    func links() async throws {
        try await withTestApp { app in
            let paths = try #require(try await app.send(.GET, "/openapi.json").json["paths"] as? [String: [String: [String: Any]]])
            func links(_ path: String, _ method: String, _ status: String) -> [String: [String: String]] {
                let response = (paths[path]?[method]?["responses"] as? [String: Any])?[status] as? [String: Any]
                let links = response?["links"] as? [String: [String: Any]] ?? [:]
                return links.mapValues { $0["parameters"] as? [String: String] ?? [:] }
            }
            let created = links("/api/v1/whatsapp-accounts", "post", "201")
            #expect(created["getAccount"] == ["accountID": "$response.body#/id"])
            #expect(created["deleteAccount"] == ["accountID": "$response.body#/id"])
            #expect(links("/api/v1/whatsapp-accounts", "get", "200")["getAccount"] == ["accountID": "$response.body#/items/0/id"])
            #expect(links("/api/v1/api-keys", "post", "201")["revokeAPIKey"] == ["keyID": "$response.body#/apiKey/id"])
            #expect(links("/api/v1/webhook-endpoints", "post", "201")["testWebhookEndpoint"] == ["endpointID": "$response.body#/endpoint/id"])
            #expect(links("/api/v1/webhook-endpoints/{endpointID}/test", "post", "202")["replayEventDelivery"]
                    == ["endpointID": "$response.body#/endpointId", "deliveryID": "$response.body#/id"])
            let sent = links("/api/v1/messages", "post", "202")
            #expect(sent["getMessage"] == ["messageID": "$response.body#/id"])
            #expect(sent["getConversation"] == ["conversationID": "$response.body#/conversationId"])
            // An answer that names no id of the target's kind links nowhere.
            #expect(links("/api/v1/whatsapp-accounts/resolve", "get", "200").isEmpty)
            #expect(links("/api/v1/members", "post", "201")["getAccount"] == nil)
        }
    }

    @Test("an account that cannot be verified or made the default is a documented 422")
    func accountActionErrors() async throws {
        try await withTestApp { app in
            let ws = try await Seed.workspace(app, slug: "alpha")
            let key = ws.key(.owner)
            let created = try await app.send(.POST, "/api/v1/whatsapp-accounts", key: key, json: ["name": "Desk", "provider": "desktop"])
            let id = try #require(created.json["id"] as? String)
            let paths = try #require(try await app.send(.GET, "/openapi.json").json["paths"] as? [String: [String: [String: Any]]])
            for action in ["verify", "default"] {
                let before = try await Seed.counts(app)
                let reply = try await app.send(.POST, "/api/v1/whatsapp-accounts/\(id)/\(action)", key: key)
                #expect(reply.status == .unprocessableEntity, "\(action): \(reply.text.prefix(300))")
                #expect(reply.headers.contentType?.subType == "problem+json")
                #expect(try await Seed.counts(app) == before)
                let responses = paths["/api/v1/whatsapp-accounts/{accountID}/\(action)"]?["post"]?["responses"] as? [String: Any]
                #expect(responses?["422"] != nil, "\(action) does not document 422")
            }
        }
    }

    static func hasQuery(_ parameters: Any) -> Bool {
        (parameters as? [[String: Any]])?.contains { $0["in"] as? String == "query" } == true
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
