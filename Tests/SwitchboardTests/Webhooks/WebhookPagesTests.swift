import Fluent
import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Dashboard: webhooks")
struct WebhookPagesTests {
    @Test("add an endpoint from the form: its secret is shown once; deactivate and activate it")
    func createAndToggle() async throws {
        try await withTestApp { app in
            _ = try await Seed.workspace(app, slug: "alpha")
            let browser = try await AccountPagesTests.signedIn(app, as: "manager@alpha.test")

            let created = try await browser.post("/dashboard/webhooks", ["url": "https://crm.example.com/in", "kind_message_received": "true",
                                                                         "kind_message_status_changed": "true"])
            #expect(created.status == .created, "\(created.text.prefix(500))")
            let endpoint = try #require(try await WebhookEndpoint.query(on: app.db).filter(\.$url == "https://crm.example.com/in").first())
            #expect(endpoint.kinds == ["message.received", "message.status_changed"])
            let secret = try app.switchboard.secrets.reveal(try #require(try await StoredSecret.find(endpoint.secretSecretID, on: app.db)))
            #expect(created.text.contains(#"id="new-secret""#) && created.text.contains(secret))

            let page = try await browser.get("/dashboard/webhooks")
            #expect(page.text.contains("https://crm.example.com/in") && !page.text.contains(secret))
            let id = try endpoint.requireID().uuidString
            #expect(try await browser.post("/dashboard/webhooks/\(id)/deactivate", [:]).status == .seeOther)
            #expect(try await WebhookEndpoint.find(endpoint.id, on: app.db)?.isActive == false)
            #expect(try await browser.post("/dashboard/webhooks/\(id)/activate", [:]).status == .seeOther)
            #expect(try await WebhookEndpoint.find(endpoint.id, on: app.db)?.isActive == true)
        }
    }

    @Test("a bad form comes back with the field error and the URL kept, and writes nothing")
    func badForm() async throws {
        try await withTestApp { app in
            _ = try await Seed.workspace(app, slug: "alpha")
            let browser = try await AccountPagesTests.signedIn(app, as: "owner@alpha.test")
            let before = try await Seed.counts(app)
            let reply = try await browser.post("/dashboard/webhooks", ["url": "ftp://files.example.com", "allKinds": "true", "secret": "typed-secret"])
            #expect(reply.status == .unprocessableEntity)
            #expect(reply.text.contains(#"data-field="url""#) && reply.text.contains("ftp://files.example.com"))
            #expect(!reply.text.contains("typed-secret"))
            let none = try await browser.post("/dashboard/webhooks", ["url": "https://example.com/x"])
            #expect(none.status == .unprocessableEntity && none.text.contains(#"data-field="eventKinds""#))
            #expect(try await Seed.counts(app) == before)
        }
    }

    @Test("the endpoint page shows the log with attempts and errors; replay adds a delivery; a test event is queued")
    func logAndReplay() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            #expect(try await EventFixtures.deliverer(app).runOnce() == 1)
            let browser = try await AccountPagesTests.signedIn(app, as: "manager@alpha.test")
            let base = "/dashboard/webhooks/\(a.endpointID)"

            let page = try await browser.get(base)
            #expect(page.status == .ok)
            #expect(page.text.contains("webhook.test") && page.text.contains("pending") && page.text.contains("Replay"))
            #expect(page.text.contains("<summary>1</summary>"))

            #expect(try await browser.post("\(base)/deliveries/\(a.deliveryID)/replay", [:]).status == .seeOther)
            #expect(try await browser.post("\(base)/test", [:]).status == .seeOther)
            let after = try await browser.get(base)
            #expect(after.text.components(separatedBy: "data-delivery-id=").count - 1 == 3)

            let rotated = try await browser.post("\(base)/rotate-secret", [:])
            #expect(rotated.status == .ok && rotated.text.contains(#"id="new-secret""#))
        }
    }

    @Test("an agent reads the pages without buttons, cannot post, and another workspace's endpoint is a 404")
    func agentAndIsolation() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            let b = try await Seed.workspace(app, slug: "bravo")
            let browser = try await AccountPagesTests.signedIn(app, as: "agent@alpha.test")

            let list = try await browser.get("/dashboard/webhooks")
            #expect(list.status == .ok && list.text.contains("localhost:9/hooks/alpha") && !list.text.contains("Deactivate"))
            #expect(!list.text.contains("Add an endpoint"))
            let page = try await browser.get("/dashboard/webhooks/\(a.endpointID)")
            #expect(page.status == .ok && !page.text.contains("Replay"))
            #expect(try await browser.post("/dashboard/webhooks/\(a.endpointID)/deactivate", [:]).status == .forbidden)
            #expect(try await browser.get("/dashboard/webhooks/\(b.endpointID)").status == .notFound)
        }
    }
}
