import Foundation
import Sandbox
import Testing
import WhatsAppCloud

/// An agent number's life through the Evolution API emulation, with its events at a real receiver.
@Suite struct EvolutionTests {
    static let key = ("apikey", SandboxConfiguration().evolutionAPIKey)

    @Test func createConnectScanSendReceiveLogout() async throws {
        try await Harness.with { harness in
            let events: JSONValue = ["QRCODE_UPDATED", "CONNECTION_UPDATE", "MESSAGES_UPSERT", "SEND_MESSAGE"]
            let created = try await harness.call(
                .POST, "/instance/create",
                json: ["instanceName": "agent", "integration": "WHATSAPP-BAILEYS", "qrcode": false, "webhook": ["url": .string(harness.receiver.url), "events": events]],
                headers: [Self.key])
            #expect(created.status == 201 && created.body["instance"]?["status"] == "created")
            guard let token = created.body["hash"]?.stringValue else {
                Issue.record("no hash")
                return
            }
            let instanceKey = ("apikey", token)
            #expect(try await harness.call(.GET, "/instance/connectionState/agent", headers: [instanceKey]).body == ["instance": ["instanceName": "agent", "state": "close"]])
            #expect(try await harness.call(.GET, "/instance/connectionState/agent", headers: [("apikey", "wrong")]).status == 401)

            let connect = try await harness.call(.GET, "/instance/connect/agent", headers: [instanceKey])
            guard let code = connect.body["code"]?.stringValue, let image = connect.body["base64"]?.stringValue else {
                Issue.record("no QR code")
                return
            }
            #expect(image.hasPrefix("data:image/png;base64,"))
            let png = [UInt8](Data(base64Encoded: String(image.dropFirst("data:image/png;base64,".count))) ?? Data())
            let symbol = try QRCode(encoding: Array(code.utf8))
            #expect(png == PNGWriter.qrCode(symbol), "the image is the QR code of `code`")
            let parsed = try PNGWriterTests.parse(png)
            #expect(parsed.width == (symbol.size + 8) * 6 && parsed.height == parsed.width)
            #expect(try await harness.call(.GET, "/instance/connectionState/agent", headers: [instanceKey]).body["instance"]?["state"] == "connecting")

            let scanned = try await harness.call(.POST, "/sandbox/evolution/agent/scan", json: ["number": "5511988887777"])
            #expect(scanned.body["delivery"]?["delivered"] == true)
            #expect(try await harness.call(.GET, "/instance/connectionState/agent", headers: [instanceKey]).body["instance"]?["state"] == "open")

            let sent = try await harness.call(.POST, "/message/sendText/agent", json: ["number": "5511912345678", "text": "Olá"], headers: [instanceKey])
            #expect(sent.status == 201 && sent.body["key"]?["remoteJid"] == "5511912345678@s.whatsapp.net" && sent.body["key"]?["fromMe"] == true)
            let media = try await harness.call(
                .POST, "/message/sendMedia/agent",
                json: ["number": "5511912345678", "mediatype": "image", "media": "https://example.com/a.png", "caption": "pic"], headers: [instanceKey])
            #expect(media.body["messageType"] == "imageMessage" && media.body["message"]?["imageMessage"]?["caption"] == "pic")

            let inbound = try await harness.call(.POST, "/sandbox/evolution/agent/inbound", json: ["from": "5511912345678", "text": "oi"])
            #expect(inbound.body["delivery"]?["delivered"] == true)

            let logout = try await harness.call(.DELETE, "/instance/logout/agent", headers: [instanceKey])
            #expect(logout.body["status"] == "SUCCESS")
            #expect(try await harness.call(.GET, "/instance/connectionState/agent", headers: [instanceKey]).body["instance"]?["state"] == "close")
            #expect(try await harness.call(.POST, "/message/sendText/agent", json: ["number": "1", "text": "x"], headers: [instanceKey]).status == 400)

            let received = try await harness.receiver.wait(for: 6).map(\.json)
            #expect(received.map { $0["event"]?.stringValue ?? "" } == [
                "qrcode.updated", "connection.update", "send.message", "send.message", "messages.upsert", "connection.update",
            ])
            #expect(received.allSatisfy { $0["instance"] == "agent" && $0["apikey"]?.stringValue == token })
            #expect(received[0]["data"]?["qrcode"]?["code"]?.stringValue == code)
            #expect(received[1]["data"]?["state"] == "open" && received[1]["data"]?["wuid"] == "5511988887777@s.whatsapp.net")
            #expect(received[2]["data"]?["message"]?["conversation"] == "Olá")
            #expect(received[4]["data"]?["key"]?["fromMe"] == false && received[4]["data"]?["message"]?["conversation"] == "oi")
            #expect(received[5]["data"]?["state"] == "close")
        }
    }

    @Test func eventsByURLAndSubscription() async throws {
        try await Harness.with { harness in
            let created = try await harness.call(
                .POST, "/instance/create",
                json: ["instanceName": "split", "qrcode": true, "webhook": ["url": .string(harness.receiver.url), "byEvents": true, "events": ["CONNECTION_UPDATE"]]],
                headers: [Self.key])
            #expect(created.body["qrcode"]?["base64"]?.stringValue?.hasPrefix("data:image/png;base64,") == true)
            #expect(try await harness.call(.POST, "/instance/create", json: ["instanceName": "split"], headers: [Self.key]).status == 403)
            #expect(try await harness.call(.POST, "/instance/create", json: ["instanceName": "x"], headers: [("apikey", "wrong")]).status == 401)
            try await harness.call(.POST, "/sandbox/evolution/split/scan")
            let received = try await harness.receiver.wait(for: 1)
            try await Task.sleep(for: .milliseconds(100))
            #expect(await harness.receiver.inbox.deliveries.count == 1, "QRCODE_UPDATED was not subscribed to")
            #expect(received[0].path == "/webhook/connection-update")
            #expect(try await harness.call(.GET, "/instance/connectionState/nope", headers: [Self.key]).status == 404)
        }
    }
}
