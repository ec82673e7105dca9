import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor
import WhatsAppCloud

/// Hostile or broken deliveries to `POST /webhooks/whatsapp`, each with two workspaces in the database: the answer,
/// the rows of every table (nothing half-written) and what each workspace holds (nothing crosses over).
@Suite("Inbound webhook hardening")
struct WebhookHardeningTests {
    /// Two workspaces, each with a Cloud API account of its own app secret.
    struct Pair {
        var acme: SeededWorkspace
        var other: SeededWorkspace
        var a: HookAccount
        var b: HookAccount

        static func make(_ app: Application) async throws -> Pair {
            let acme = try await Seed.workspace(app, slug: "acme")
            let other = try await Seed.workspace(app, slug: "other")
            return Pair(acme: acme, other: other, a: try await Hooks.account(app, workspace: acme.id),
                        b: try await Hooks.account(app, workspace: other.id))
        }
    }

    /// Refused with `status` and a problem of `type`, and not a row written anywhere.
    static func expectRefused(_ app: Application, _ body: Data, signature: String?, _ status: HTTPStatus, _ type: String) async throws {
        let before = try await Seed.counts(app)
        let reply = try await app.deliver(body, signature: signature)
        #expect(reply.status == status, "\(reply.text.prefix(300))")
        #expect(reply.headers.contentType?.subType == "problem+json")
        #expect(reply.problemType == type)
        #expect(try await Seed.counts(app) == before)
    }

    static func expectRefused(_ app: Application, _ body: Data, signedWith secret: String, _ status: HTTPStatus, _ type: String) async throws {
        try await expectRefused(app, body, signature: WebhookSignature.sign(body: body, appSecret: secret), status, type)
    }

    /// Acknowledged, and the delivery alone stored, byte for byte with its parse error: acted on nowhere.
    static func expectKeptUnparsed(_ app: Application, _ body: Data, signedWith secret: String) async throws {
        let before = try await Seed.counts(app)
        #expect(try await app.deliver(body, signedWith: secret).status == .ok)
        #expect(grown(before, try await Seed.counts(app)) == ["webhook_deliveries": 1])
        let delivery = try #require(try await WebhookDelivery.query(on: app.db).first())
        #expect(delivery.parseError != nil)
        #expect(delivery.body == String(decoding: body, as: UTF8.self))
        #expect(delivery.changeCount == 0)
    }

    /// The counts that changed between two snapshots, as `table: +n`.
    static func grown(_ before: [String: Int], _ after: [String: Int]) -> [String: Int] {
        after.reduce(into: [:]) { grown, row in
            let delta = row.value - (before[row.key] ?? 0)
            if delta != 0 { grown[row.key] = delta }
        }
    }

    static func messages(_ app: Application, in workspace: UUID) async throws -> [Message] {
        try await Message.query(on: app.db).filter(\.$workspaceID == workspace).filter(\.$direction == .inbound).all()
    }

    @Test("a forged signature is a 403 and writes nothing")
    func forged() async throws {
        try await withTestApp { app in
            let pair = try await Pair.make(app)
            let body = Hooks.text(pair.a, wamid: "wamid.FORGED")
            try await Self.expectRefused(app, body, signedWith: "guessed-secret", .forbidden, "signature_invalid")
            try await Self.expectRefused(app, body, signature: "sha256=" + String(repeating: "0", count: 64), .forbidden, "signature_invalid")
        }
    }

    @Test("an unsigned delivery is a 401 and writes nothing")
    func unsigned() async throws {
        try await withTestApp { app in
            let pair = try await Pair.make(app)
            let body = Hooks.text(pair.a, wamid: "wamid.UNSIGNED")
            try await Self.expectRefused(app, body, signature: nil, .unauthorized, "signature_missing")
            try await Self.expectRefused(app, body, signature: "", .unauthorized, "signature_missing")
        }
    }

    @Test("the same signed delivery twice stores one message; the replay adds only its delivery record")
    func replayed() async throws {
        try await withTestApp { app in
            let pair = try await Pair.make(app)
            let body = Hooks.text(pair.a, wamid: "wamid.REPLAY")
            #expect(try await app.deliver(body, signedWith: pair.a.appSecret).status == .ok)
            let afterFirst = try await Seed.counts(app)
            #expect(try await app.deliver(body, signedWith: pair.a.appSecret).status == .ok)

            #expect(Self.grown(afterFirst, try await Seed.counts(app)) == ["webhook_deliveries": 1])
            #expect(try await Self.messages(app, in: pair.acme.id).filter { $0.wamid == "wamid.REPLAY" }.count == 1)
            #expect(try await Message.query(on: app.db).filter(\.$wamid == "wamid.REPLAY").count() == 1)
        }
    }

    @Test("a truncated body signed as it is is stored for inspection, acknowledged, and acted on nowhere")
    func truncated() async throws {
        try await withTestApp { app in
            let pair = try await Pair.make(app)
            let whole = Hooks.text(pair.a, wamid: "wamid.TRUNCATED")
            // Cut just after the number's id, so the body still names the account that signed it.
            let named = try #require(whole.range(of: Data("\"phone_number_id\":\"\(pair.a.phoneNumberID)\"".utf8)))
            let cut = Data(whole[..<(named.upperBound + 1)])
            try await Self.expectKeptUnparsed(app, cut, signedWith: pair.a.appSecret)
        }
    }

    @Test("a body over 1 MiB is a 413 problem and writes nothing, in memory and over the wire")
    func oversized() async throws {
        try await withTestApp { app in
            let pair = try await Pair.make(app)
            let body = Hooks.text(pair.a, wamid: "wamid.BIG", body: String(repeating: "x", count: WhatsAppWebhookRoutes.maxBody))
            let signature = WebhookSignature.sign(body: body, appSecret: pair.a.appSecret)
            try await Self.expectRefused(app, body, signature: signature, .payloadTooLarge, "payload_too_large")

            // Streamed from a socket the limit is the body collector's, not the handler's.
            let before = try await Seed.counts(app)
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let reply: ClientResponse
            do {
                reply = try await app.client.post(URI(string: "http://127.0.0.1:\(port)/webhooks/whatsapp")) { request in
                    request.headers.contentType = .json
                    request.headers.add(name: WebhookSignature.headerName, value: signature)
                    request.body = ByteBuffer(data: body)
                }
            } catch {
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
            #expect(reply.status == .payloadTooLarge)
            #expect(reply.headers.contentType?.subType == "problem+json")
            #expect(try await Seed.counts(app) == before)
        }
    }

    @Test("thousands of nesting levels get a clear answer and do not take the process down")
    func deeplyNested() async throws {
        try await withTestApp { app in
            let pair = try await Pair.make(app)
            let depth = (WhatsAppWebhookRoutes.maxBody - 300) / 2
            // The account's number first, so the body names a signer; then an array nested far past any parser's limit.
            let nested = Data((#"{"object":"whatsapp_business_account","entry":[{"id":"\#(pair.a.wabaID)","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"\#(pair.a.phoneNumberID)"},"x":"#
                + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}}]}]}").utf8)
            #expect(nested.count < WhatsAppWebhookRoutes.maxBody)

            // Without the signer's secret it is refused before anything is stored.
            try await Self.expectRefused(app, nested, signedWith: "guessed-secret", .forbidden, "signature_invalid")
            try await Self.expectRefused(app, nested, signature: nil, .unauthorized, "signature_missing")

            // Signed, it is a body that does not parse: kept for inspection and acknowledged, acted on nowhere.
            try await Self.expectKeptUnparsed(app, nested, signedWith: pair.a.appSecret)

            // Still serving.
            #expect(try await app.send(.GET, "/health/live").status == .ok)
        }
    }

    @Test("a NUL character in a delivery's strings is a 422 naming it, a raw NUL byte a 400; nothing written")
    func nulCharacters() async throws {
        try await withTestApp { app in
            let pair = try await Pair.make(app)
            // Parsed, the profile name would go into a text column, which PostgreSQL refuses (SQLite would cut it).
            let escaped = Hooks.text(pair.a, wamid: "wamid.NUL", name: "Ada\u{0}Lovelace")
            #expect(String(decoding: escaped, as: UTF8.self).contains(#"\u0000"#))
            try await Self.expectRefused(app, escaped, signedWith: pair.a.appSecret, .unprocessableEntity, "validation")
            let reply = try await app.deliver(escaped, signedWith: pair.a.appSecret)
            #expect(reply.fieldErrors == ["entry[0].changes[0].value.contacts[0].profile.name"])

            // Not JSON, and not storable as text for inspection either.
            var raw = Hooks.text(pair.a, wamid: "wamid.RAWNUL")
            raw.append(contentsOf: [0, 0])
            try await Self.expectRefused(app, raw, signedWith: pair.a.appSecret, .badRequest, "malformed_json")
        }
    }

    @Test("account A's secret over a body naming account B's number (another workspace) is refused; nothing written")
    func foreignNumber() async throws {
        try await withTestApp { app in
            let pair = try await Pair.make(app)
            let body = Hooks.text(pair.b, wamid: "wamid.CROSS")
            try await Self.expectRefused(app, body, signedWith: pair.a.appSecret, .forbidden, "signature_invalid")
        }
    }

    // One delivery carrying changes for numbers of two workspaces. Meta signs a delivery with the secret of the one
    // app it comes from, so both numbers verify only if both accounts hold that app's secret: then each change goes
    // to its own workspace and nowhere else. With different secrets, the change of the number whose account did not
    // verify is unauthenticated: it goes to no workspace (the signer's included) and is kept, with the delivery,
    // as an unrouted change for the platform admin, while the signer's own change lands. Refusing the whole delivery
    // instead would let one tenant's wrong (or deliberately bogus) app secret for a number hold up another tenant's
    // deliveries, which Meta would keep retrying and finally drop; this way a tenant's secret only ever decides
    // about that tenant's changes. Nothing is half-written either way: the delivery, the change that landed and
    // the unrouted one are one transaction.
    @Test("one body naming numbers of two workspaces: each change to its own workspace, an unauthenticated one to none")
    func twoWorkspaces() async throws {
        try await withTestApp { app in
            let pair = try await Pair.make(app)
            func body(_ a: HookAccount, _ b: HookAccount, tag: String) -> Data {
                Hooks.envelope([
                    (a.wabaID, "messages", Hooks.textValue(pnid: a.phoneNumberID, wamid: "wamid.\(tag)A", from: "15550000001", name: "A",
                                                           body: "to acme", at: 1_790_000_000)),
                    (b.wabaID, "messages", Hooks.textValue(pnid: b.phoneNumberID, wamid: "wamid.\(tag)B", from: "15550000002", name: "B",
                                                           body: "to other", at: 1_790_000_000)),
                ])
            }
            func landed(_ tag: String, in workspace: UUID) async throws -> [String] {
                try await Self.messages(app, in: workspace).compactMap(\.wamid).filter { $0.hasPrefix("wamid.\(tag)") }.sorted()
            }

            // Different secrets, signed with A's: A's change lands in acme; B's lands nowhere and is held unrouted.
            var before = try await Seed.counts(app)
            #expect(try await app.deliver(body(pair.a, pair.b, tag: "MIX"), signedWith: pair.a.appSecret).status == .ok)
            #expect(try await landed("MIX", in: pair.acme.id) == ["wamid.MIXA"])
            #expect(try await landed("MIX", in: pair.other.id) == [])
            #expect(try await Message.query(on: app.db).filter(\.$wamid == "wamid.MIXB").count() == 0)
            let unrouted = try await UnroutedChange.query(on: app.db).all()
            #expect(unrouted.map(\.phoneNumberID) == [pair.b.phoneNumberID])
            var grown = Self.grown(before, try await Seed.counts(app))
            #expect(grown["messages"] == 1 && grown["contacts"] == 1 && grown["conversations"] == 1)
            #expect(grown["webhook_deliveries"] == 1 && grown["unrouted_changes"] == 1)

            // One app serving both workspaces: both verify, each change lands in its own workspace.
            let shared = "one-app-secret-for-both"
            let a = try await Hooks.account(app, workspace: pair.acme.id, appSecret: shared)
            let b = try await Hooks.account(app, workspace: pair.other.id, appSecret: shared)
            before = try await Seed.counts(app)
            #expect(try await app.deliver(body(a, b, tag: "ONE"), signedWith: shared).status == .ok)
            #expect(try await landed("ONE", in: pair.acme.id) == ["wamid.ONEA"])
            #expect(try await landed("ONE", in: pair.other.id) == ["wamid.ONEB"])
            #expect(try await Message.query(on: app.db).filter(\.$wamid == "wamid.ONEA").first()?.accountID == a.id)
            #expect(try await Message.query(on: app.db).filter(\.$wamid == "wamid.ONEB").first()?.accountID == b.id)
            grown = Self.grown(before, try await Seed.counts(app))
            #expect(grown["messages"] == 2 && grown["conversations"] == 2 && grown["webhook_deliveries"] == 1)
            #expect(grown["unrouted_changes"] == nil)
        }
    }
}
