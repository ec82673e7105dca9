import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Webhook endpoints reach public addresses only, unless the operator allows more")
struct WebhookTargetsTests {
    @Test("private, loopback, link-local and other non-public ranges are told apart from public addresses",
          arguments: [
              ("8.8.8.8", true), ("1.1.1.1", true), ("2606:4700:4700::1111", true), ("::ffff:8.8.8.8", true),
              ("127.0.0.1", false), ("10.1.2.3", false), ("172.20.0.1", false), ("192.168.1.10", false),
              ("169.254.169.254", false), ("100.64.0.1", false), ("0.0.0.0", false), ("224.0.0.1", false),
              ("255.255.255.255", false), ("::1", false), ("::", false), ("fd00::1", false), ("fe80::1", false),
              ("::ffff:127.0.0.1", false), ("[::1]", false), ("64:ff9b::a9fe:a9fe", false), ("2001:db8::1", false),
          ])
    func ranges(address: String, isPublic: Bool) throws {
        let bytes = try #require(AddressRanges.bytes(ofLiteral: address))
        #expect(AddressRanges.isPublic(bytes) == isPublic)
    }

    @Test("a URL naming a private address is refused when saved, and nothing is written")
    func refusedOnSave() async throws {
        try await withTestApp(adjust: { $0.webhookTargets = .publicOnly }) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let before = try await WebhookEndpoint.query(on: app.db).count()
            for url in ["http://169.254.169.254/latest/meta-data", "http://[::1]:8080/hooks", "http://10.0.0.5/in"] {
                let reply = try await app.send(.POST, "/api/v1/webhook-endpoints", key: a.key(.manager),
                                               json: CreateWebhookEndpointInput(url: url, eventKinds: ["*"]))
                #expect(reply.status == .unprocessableEntity, "\(url): \(reply.text)")
                #expect(reply.text.contains("SWITCHBOARD_WEBHOOK_TARGETS=any"))
            }
            let patched = try await app.send(.PATCH, "/api/v1/webhook-endpoints/\(a.endpointID)", key: a.key(.manager),
                                             json: UpdateWebhookEndpointInput(url: "http://127.0.0.1:5432/"))
            #expect(patched.status == .unprocessableEntity)
            #expect(try await WebhookEndpoint.query(on: app.db).count() == before)
            #expect(try await WebhookEndpoint.find(a.endpointID, on: app.db)?.url == "http://localhost:9/hooks/alpha")
            let publicOne = try await app.send(.POST, "/api/v1/webhook-endpoints", key: a.key(.manager),
                                               json: CreateWebhookEndpointInput(url: "https://203.0.113.9/hooks", eventKinds: ["*"]))
            #expect(publicOne.status == .created)
        }
    }

    @Test("a name that resolves to loopback is checked at delivery: nothing is sent, the log says why, it is retried")
    func refusedOnDelivery() async throws {
        try await withTestApp(adjust: { $0.webhookTargets = .publicOnly }) { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let receiver = try await EventReceiver.start()
            try await withReceivers([receiver]) {
                let endpoint = try await EventFixtures.endpoint(app, a, url: "http://localhost:\(receiver.port)/hooks")
                #expect(try await EventFixtures.record(app, workspace: a.id) == 1)

                #expect(try await EventFixtures.deliverer(app).runOnce() == 1)

                #expect(receiver.requests.isEmpty)
                let log = try #require(try await EventFixtures.log(app, a, endpoint: endpoint.id).first)
                #expect(log.state == .pending && log.nextAttemptAt != nil)
                #expect(log.lastError?.contains("not a public address") == true, "\(log.lastError ?? "")")
            }
        }
    }
}
