import Crypto
import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Events delivered to workspace endpoints")
struct EventDeliveryTests {
    @Test("the body is the stored payload, signed with the endpoint secret and the attempt's timestamp")
    func signature() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            try await EventFixtures.withEndpoint(app) { a, receiver, endpoint in

                #expect(try await EventFixtures.deliverer(app).runOnce() == 1)

                let request = try #require(receiver.requests.first)
                let event = try #require(try await WorkspaceEvent.query(on: app.db).filter(\.$kind == "message.received").first())
                #expect(request.body == event.payload)
                #expect(request.header("Content-Type") == "application/json")
                #expect(request.header("Switchboard-Event-Id") == event.id?.uuidString)
                #expect(request.header("Switchboard-Event-Type") == "message.received")
                let signature = try #require(request.header("Switchboard-Signature"))
                let parts = Dictionary(uniqueKeysWithValues: signature.split(separator: ",").map { part in
                    let pair = part.split(separator: "=", maxSplits: 1)
                    return (String(pair[0]), String(pair[1]))
                })
                let timestamp = try #require(parts["t"])
                #expect(Int(timestamp) == Int(clock.now.timeIntervalSince1970))
                let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(request.body)".utf8),
                                                          using: SymmetricKey(data: Data(EventFixtures.secret.utf8)))
                #expect(parts["v1"] == mac.map { String(format: "%02x", $0) }.joined())
                #expect(request.json["type"] as? String == "message.received")
                #expect(request.json["workspaceId"] as? String == a.id.uuidString)

                let log = try await EventFixtures.log(app, a, endpoint: endpoint.id)
                #expect(log.map(\.state) == [.delivered])
                #expect(request.header("Switchboard-Delivery-Id") == log.first?.id.uuidString)
                #expect(log.first?.attempts.map(\.statusCode) == [200])
            }
        }
    }

    @Test("a 500 is logged and retried after the backoff; then 200 delivers it")
    func retry() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            try await EventFixtures.withEndpoint(app, answering: [.internalServerError]) { a, receiver, endpoint in
                let deliverer = EventFixtures.deliverer(app)

                #expect(try await deliverer.runOnce() == 1)
                var log = try await EventFixtures.log(app, a, endpoint: endpoint.id)
                #expect(log.first?.state == .pending && log.first?.lastStatusCode == 500 && log.first?.attemptCount == 1)
                let next = try #require(log.first?.nextAttemptAt)
                #expect(next > clock.now && next <= clock.now.addingTimeInterval(5))
                #expect(try await deliverer.runOnce() == 0)

                clock.advance(5)
                #expect(try await deliverer.runOnce() == 1)
                log = try await EventFixtures.log(app, a, endpoint: endpoint.id)
                #expect(log.first?.state == .delivered)
                #expect(log.first?.attempts.map(\.statusCode) == [500, 200])
                #expect(log.first?.deliveredAt == clock.now)
                #expect(receiver.requests.count == 2)
                #expect(Set(receiver.requests.map(\.body)).count == 1)
            }
        }
    }

    @Test("an endpoint that keeps failing gives up 24 hours after the event: failed")
    func expiry() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            try await EventFixtures.withEndpoint(app, always: .serviceUnavailable) { a, receiver, endpoint in
                let deliverer = EventFixtures.deliverer(app)
                #expect(try await deliverer.runOnce() == 1)
                clock.advance(3600)
                #expect(try await deliverer.runOnce() == 1)
                #expect(try await EventFixtures.log(app, a, endpoint: endpoint.id).first?.state == .pending)

                clock.advance(23 * 3600)
                #expect(try await deliverer.runOnce() == 1)
                let log = try await EventFixtures.log(app, a, endpoint: endpoint.id)
                #expect(log.first?.state == .failed && log.first?.nextAttemptAt == nil)
                #expect(log.first?.attempts.map(\.statusCode) == [503, 503, 503])
                clock.advance(3600)
                #expect(try await deliverer.runOnce() == 0)
            }
        }
    }

    @Test("replay makes a new delivery of the same event, and the log keeps both")
    func replay() async throws {
        try await withTestApp { app in
            try await EventFixtures.withEndpoint(app) { a, receiver, endpoint in
                let deliverer = EventFixtures.deliverer(app)
                #expect(try await deliverer.runOnce() == 1)
                let first = try #require(try await EventFixtures.log(app, a, endpoint: endpoint.id).first)

                let reply = try await app.send(.POST, "/api/v1/webhook-endpoints/\(endpoint.id)/deliveries/\(first.id)/replay", key: a.key(.manager))
                #expect(reply.status == .accepted)
                let replayed = try reply.decode(EventDeliveryDTO.self)
                #expect(replayed.state == .pending && replayed.eventId == first.eventId && replayed.id != first.id)
                #expect(try await deliverer.runOnce() == 1)

                let log = try await EventFixtures.log(app, a, endpoint: endpoint.id)
                #expect(Set(log.map(\.id)) == [first.id, replayed.id])
                #expect(log.allSatisfy { $0.state == .delivered })
                #expect(receiver.requests.count == 2 && receiver.requests[0].body == receiver.requests[1].body)
                #expect(receiver.requests.map { $0.header("Switchboard-Delivery-Id") } == [first.id.uuidString, replayed.id.uuidString])
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "event_delivery.replayed").count() == 1)
            }
        }
    }

    @Test("workspace A's endpoint never gets B's events, and B cannot see A's endpoint")
    func isolation() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let b = try await Seed.workspace(app, slug: "bravo")
            let receiverA = try await EventReceiver.start()
            let receiverB = try await EventReceiver.start()
            try await withReceivers([receiverA, receiverB]) {
                let endpointA = try await EventFixtures.endpoint(app, a, url: receiverA.url)
                _ = try await EventFixtures.endpoint(app, b, url: receiverB.url)
                try await EventFixtures.record(app, workspace: b.id)
                try await EventFixtures.record(app, .accountStatusChanged, workspace: b.id)
                #expect(try await EventFixtures.deliverer(app).runOnce() == 2)
                #expect(receiverA.requests.isEmpty)
                #expect(receiverB.requests.count == 2)
                #expect(receiverB.requests.allSatisfy { $0.json["workspaceId"] as? String == b.id.uuidString })

                for path in ["", "/deliveries"] {
                    let reply = try await app.send(.GET, "/api/v1/webhook-endpoints/\(endpointA.id)\(path)", key: b.key(.owner))
                    #expect(reply.status == .notFound)
                }
                let list = try await app.send(.GET, "/api/v1/webhook-endpoints", key: b.key(.owner))
                #expect(!list.text.contains(endpointA.id.uuidString) && !list.text.contains(receiverA.url))
                let patch = try await app.send(.PATCH, "/api/v1/webhook-endpoints/\(endpointA.id)", key: b.key(.owner),
                                               json: UpdateWebhookEndpointInput(url: receiverB.url))
                #expect(patch.status == .notFound)
            }
        }
    }

    @Test("only the kinds an endpoint wants reach it; a test event reaches only its endpoint")
    func kinds() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let statuses = try await EventReceiver.start()
            let everything = try await EventReceiver.start()
            try await withReceivers([statuses, everything]) {
                let statusEndpoint = try await EventFixtures.endpoint(app, a, url: statuses.url, kinds: ["message.status_changed"])
                let allEndpoint = try await app.send(.POST, "/api/v1/webhook-endpoints", key: a.key(.owner),
                                                     json: CreateWebhookEndpointInput(url: everything.url, eventKinds: ["*"]))
                    .decode(WebhookEndpointWithSecretDTO.self).endpoint
                #expect(try await EventFixtures.record(app, .messageReceived, workspace: a.id) == 1)
                #expect(try await EventFixtures.record(app, .messageStatusChanged, workspace: a.id) == 2)
                let test = try await app.send(.POST, "/api/v1/webhook-endpoints/\(statusEndpoint.id)/test", key: a.key(.manager))
                #expect(test.status == .accepted)
                #expect(try test.decode(EventDeliveryDTO.self).eventType == "webhook.test")

                #expect(try await EventFixtures.deliverer(app).runOnce() == 4)
                #expect(Set(statuses.requests.compactMap { $0.json["type"] as? String }) == ["message.status_changed", "webhook.test"])
                #expect(Set(everything.requests.compactMap { $0.json["type"] as? String }) == ["message.received", "message.status_changed"])
                #expect(try await EventFixtures.log(app, a, endpoint: allEndpoint.id).count == 2)
            }
        }
    }

    @Test("a delivery leased by a dead owner is taken over once the lease expires; a live lease is left alone")
    func leaseTakeover() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            try await EventFixtures.withEndpoint(app) { a, receiver, endpoint in
                try await EventDelivery.query(on: app.db).filter(\.$endpointID == endpoint.id)
                    .set(\.$leaseOwner, to: "dead-process").set(\.$leaseUntil, to: clock.now.addingTimeInterval(30)).update()
                let survivor = EventFixtures.deliverer(app, owner: "survivor")

                #expect(try await survivor.runOnce() == 0)
                clock.advance(31)
                #expect(try await survivor.runOnce() == 1)
                #expect(receiver.requests.count == 1)
                let delivery = try #require(try await EventDelivery.query(on: app.db).filter(\.$endpointID == endpoint.id).first())
                #expect(delivery.state == .delivered && delivery.leaseOwner == nil)
            }
        }
    }

    @Test("deactivating an endpoint fails its pending deliveries with a reason; nothing more is sent")
    func deactivation() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            try await EventFixtures.withEndpoint(app, answering: [.badGateway]) { a, receiver, endpoint in
                let deliverer = EventFixtures.deliverer(app)
                #expect(try await deliverer.runOnce() == 1)
                #expect(try await app.send(.DELETE, "/api/v1/webhook-endpoints/\(endpoint.id)", key: a.key(.manager)).status == .ok)

                clock.advance(3600)
                #expect(try await deliverer.runOnce() == 0)
                let log = try await EventFixtures.log(app, a, endpoint: endpoint.id)
                #expect(log.first?.state == .failed && log.first?.lastError == EventDeliverer.endpointInactive)
                #expect(receiver.requests.count == 1)
                let replay = try await app.send(.POST, "/api/v1/webhook-endpoints/\(endpoint.id)/deliveries/\(log[0].id)/replay", key: a.key(.manager))
                #expect(replay.status == .conflict)
            }
        }
    }

    @Test("a connection refused is logged as an error, without the secret, and retried")
    func connectionRefused() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let endpoint = try await EventFixtures.endpoint(app, a, url: "http://127.0.0.1:9/closed")
            try await EventFixtures.record(app, workspace: a.id)
            #expect(try await EventFixtures.deliverer(app).runOnce() == 1)
            let delivery = try #require(try await EventFixtures.log(app, a, endpoint: endpoint.id).first)
            #expect(delivery.state == .pending && delivery.lastStatusCode == nil)
            let error = try #require(delivery.lastError)
            #expect(!error.isEmpty && error.count <= 300 && !error.contains(EventFixtures.secret))
        }
    }

    @Test("neither events, logs nor answers after creation hold the endpoint secret or an account token")
    func noSecrets() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let account = try await Hooks.account(app, workspace: a.id)
            let token = try #require(try await StoredSecret.query(on: app.db).filter(\.$purpose == AccountRules.secretPurposes.accessToken).first()
                .map { try app.switchboard.secrets.reveal($0) })
            let secret = "whsec_leakcheck_\(UUID().uuidString.prefix(8))"
            let receiver = try await EventReceiver.start()
            try await withReceivers([receiver]) {
                let endpoint = try await EventFixtures.endpoint(app, a, url: receiver.url, secret: secret)
                try await EventFixtures.record(app, .accountStatusChanged, workspace: a.id, data: ["accountId": account.id.uuidString])
                _ = try await app.send(.POST, "/api/v1/webhook-endpoints/\(endpoint.id)/test", key: a.key(.owner))
                #expect(try await EventFixtures.deliverer(app).runOnce() == 2)
                _ = try await app.send(.POST, "/api/v1/webhook-endpoints/\(endpoint.id)/rotate-secret", key: a.key(.owner))

                var texts = receiver.requests.map(\.body)
                for route in RouteCase.all where route.method == .GET {
                    texts.append(try await app.send(route.method, route.path(ids: a).replacingOccurrences(of: a.endpointID.uuidString, with: endpoint.id.uuidString),
                                                    key: a.key(.owner)).text)
                }
                for value in [secret, token, account.appSecret] {
                    #expect(!texts.contains { $0.contains(value) })
                    #expect(!LogCapture.contains(value))
                    #expect(try await NoSecretLeakTests.tablesContaining(value, app: app).isEmpty)
                }
            }
        }
    }

    @Test("start and stop: the loop delivers when woken, and stop waits for it")
    func loop() async throws {
        try await withTestApp { app in
            try await EventFixtures.withEndpoint(app) { _, receiver, _ in
                let deliverer = EventFixtures.deliverer(app)
                deliverer.start()
                deliverer.wake()
                let deadline = ContinuousClock.now + .seconds(10)
                while receiver.requests.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                await deliverer.stop()
                #expect(receiver.requests.count == 1)
                #expect(try await EventDelivery.query(on: app.db).filter(\.$state == .delivered).count() == 1)
            }
        }
    }
}
