import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Webhook endpoints API")
struct WebhookEndpointAPITests {
    @Test("create generates a whsec_ secret shown once; get, list, update, rotate and delete never show it; each change is audited")
    func lifecycle() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let created = try await app.send(.POST, "/api/v1/webhook-endpoints", key: a.key(.manager),
                                             json: CreateWebhookEndpointInput(url: "https://crm.example.com/hooks", eventKinds: ["message.received", "message.received"]))
            #expect(created.status == .created)
            let body = try created.decode(WebhookEndpointWithSecretDTO.self)
            #expect(body.secret.hasPrefix("whsec_") && body.secret.count >= 32)
            #expect(body.endpoint.eventKinds == ["message.received"] && body.endpoint.isActive)
            #expect(body.endpoint.secretLast4 == String(body.secret.suffix(4)))
            let id = body.endpoint.id

            let got = try await app.send(.GET, "/api/v1/webhook-endpoints/\(id)", key: a.key(.agent))
            #expect(got.status == .ok && !got.text.contains(body.secret))
            let updated = try await app.send(.PATCH, "/api/v1/webhook-endpoints/\(id)", key: a.key(.manager),
                                             json: UpdateWebhookEndpointInput(url: "http://10.0.0.5:8080/in", eventKinds: ["*"]))
            #expect(try updated.decode(WebhookEndpointDTO.self).eventKinds == ["*"])
            let rotated = try await app.send(.POST, "/api/v1/webhook-endpoints/\(id)/rotate-secret", key: a.key(.manager))
            let newSecret = try rotated.decode(WebhookEndpointWithSecretDTO.self).secret
            #expect(newSecret != body.secret && newSecret.hasPrefix("whsec_"))
            let deleted = try await app.send(.DELETE, "/api/v1/webhook-endpoints/\(id)", key: a.key(.manager))
            #expect(try deleted.decode(WebhookEndpointDTO.self).isActive == false)

            let audit = try await AuditEvent.query(on: app.db).filter(\.$targetID == id.uuidString).sort(\.$createdAt).all()
            #expect(Set(audit.map(\.action)) == ["webhook_endpoint.created", "webhook_endpoint.updated", "webhook_endpoint.secret_rotated",
                                                 "webhook_endpoint.deactivated"])
            for event in audit {
                #expect(!(event.before ?? "").contains(body.secret) && !(event.after ?? "").contains(body.secret))
                #expect(!(event.after ?? "").contains(newSecret))
            }
            #expect(!LogCapture.contains(body.secret) && !LogCapture.contains(newSecret))
        }
    }

    @Test("a given secret is kept; lists are cursor pages, newest first")
    func paging() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            var ids: [UUID] = [a.endpointID]
            for index in 0..<3 {
                let reply = try await app.send(.POST, "/api/v1/webhook-endpoints", key: a.key(.owner),
                                               json: CreateWebhookEndpointInput(url: "https://example.com/\(index)", eventKinds: ["*"],
                                                                                secret: "my-own-secret-\(index)-abcdef"))
                let created = try reply.decode(WebhookEndpointWithSecretDTO.self)
                #expect(created.secret == "my-own-secret-\(index)-abcdef")
                ids.append(created.endpoint.id)
            }
            let first = try await app.send(.GET, "/api/v1/webhook-endpoints?limit=3", key: a.key(.agent)).decode(CursorPage<WebhookEndpointDTO>.self)
            #expect(first.items.count == 3 && first.hasMore)
            let cursor = try #require(first.nextCursor)
            let second = try await app.send(.GET, "/api/v1/webhook-endpoints?limit=3&cursor=\(cursor)", key: a.key(.agent))
                .decode(CursorPage<WebhookEndpointDTO>.self)
            #expect(second.items.count == 1 && !second.hasMore)
            #expect(Set(first.items.map(\.id) + second.items.map(\.id)) == Set(ids))
            #expect(Array(first.items.map(\.createdAt)) == first.items.map(\.createdAt).sorted(by: >))
        }
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        var name: String
        var method: HTTPMethod = .POST
        var path = "/api/v1/webhook-endpoints"
        var raw: String
        var field: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        .init(name: "not a URL", raw: #"{"url":"not a url","eventKinds":["*"]}"#, field: "url"),
        .init(name: "ftp URL", raw: #"{"url":"ftp://example.com/x","eventKinds":["*"]}"#, field: "url"),
        .init(name: "URL without host", raw: #"{"url":"https://","eventKinds":["*"]}"#, field: "url"),
        .init(name: "URL too long", raw: #"{"url":"https://example.com/\#(String(repeating: "a", count: 2100))","eventKinds":["*"]}"#, field: "url"),
        .init(name: "unknown kind", raw: #"{"url":"https://example.com","eventKinds":["message.received","message.exploded"]}"#, field: "eventKinds[1]"),
        .init(name: "no kinds", raw: #"{"url":"https://example.com","eventKinds":[]}"#, field: "eventKinds"),
        .init(name: "wildcard with others", raw: #"{"url":"https://example.com","eventKinds":["*","message.received"]}"#, field: "eventKinds"),
        .init(name: "kinds not an array", raw: #"{"url":"https://example.com","eventKinds":"*"}"#, field: "eventKinds"),
        .init(name: "short secret", raw: #"{"url":"https://example.com","eventKinds":["*"],"secret":"short"}"#, field: "secret"),
        .init(name: "unknown field", raw: #"{"url":"https://example.com","eventKinds":["*"],"active":true}"#, field: "active"),
        .init(name: "missing URL", raw: #"{"eventKinds":["*"]}"#, field: "url"),
        .init(name: "update: unknown field", method: .PATCH, path: "/api/v1/webhook-endpoints/:endpointID", raw: #"{"secret":"0123456789abcdefg"}"#, field: "secret"),
        .init(name: "update: unknown kind", method: .PATCH, path: "/api/v1/webhook-endpoints/:endpointID", raw: #"{"eventKinds":["nope"]}"#, field: "eventKinds[0]"),
        .init(name: "update: bad URL", method: .PATCH, path: "/api/v1/webhook-endpoints/:endpointID", raw: #"{"url":"javascript:alert(1)"}"#, field: "url"),
        .init(name: "deliveries: bad state", method: .GET, path: "/api/v1/webhook-endpoints/:endpointID/deliveries?state=lost", raw: "", field: "state"),
        .init(name: "deliveries: forged cursor", method: .GET, path: "/api/v1/webhook-endpoints/:endpointID/deliveries?cursor=AAAA", raw: "", field: "cursor"),
    ]

    @Test("bad input is a 422 naming the field, and writes nothing", arguments: badCases)
    func badInput(_ c: BadCase) async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let before = try await Seed.counts(app)
            let reply = try await app.send(c.method, c.path.replacingOccurrences(of: ":endpointID", with: a.endpointID.uuidString),
                                           key: a.key(.owner), raw: c.method == .GET ? nil : c.raw)
            #expect(reply.status == .unprocessableEntity, "\(reply.text.prefix(300))")
            #expect(reply.headers.contentType?.subType == "problem+json")
            #expect(reply.fieldErrors.contains(c.field), "\(reply.text.prefix(300))")
            #expect(try await Seed.counts(app) == before)
        }
    }

    @Test("a replay of another endpoint's delivery is a 404")
    func replayElsewhere() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let other = try await app.send(.POST, "/api/v1/webhook-endpoints", key: a.key(.owner),
                                           json: CreateWebhookEndpointInput(url: "https://example.com/other", eventKinds: ["*"]))
                .decode(WebhookEndpointWithSecretDTO.self).endpoint
            let before = try await Seed.counts(app)
            let reply = try await app.send(.POST, "/api/v1/webhook-endpoints/\(other.id)/deliveries/\(a.deliveryID)/replay", key: a.key(.owner))
            #expect(reply.status == .notFound)
            #expect(try await Seed.counts(app) == before)
        }
    }
}
