import Crypto
import Foundation
import Sandbox
import Testing
import WhatsAppCloud

/// Media, templates, phone numbers, registration and webhook subscription through `GraphClient`.
@Suite struct GraphManagementTests {
    @Test func mediaUploadInfoDownloadDelete() async throws {
        try await Harness.with { harness in
            let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let id = try await harness.client.uploadMedia(phoneNumberID: Harness.phoneNumberId, data: bytes, mimeType: "application/pdf", filename: "a.pdf")
            #expect(id.allSatisfy { $0.isNumber })
            let (info, downloaded) = try await harness.client.downloadMedia(id: id)
            #expect(downloaded == bytes)
            #expect(info.mimeType == "application/pdf" && info.fileSize == Int64(bytes.count))
            #expect(info.sha256 == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())

            let stranger = await Harness.failure { _ = try await harness.client(token: "other").downloadMedia(url: info.url) }
            #expect(stranger?.graphError?.code == 190)

            try await harness.client.api.deleteMediaRequest(id: id, client: harness.client)
            let gone = await Harness.failure { _ = try await harness.client.mediaInfo(mediaID: id) }
            #expect(gone?.graphError?.code == 100)

            let tooBig = await Harness.failure {
                _ = try await harness.client.uploadMedia(
                    phoneNumberID: Harness.phoneNumberId, data: Array(repeating: 0, count: (5 << 20) + 1), mimeType: "image/png", filename: "big.png")
            }
            #expect(tooBig?.graphError?.code == 131053)
        }
    }

    @Test func templatesListCreateDelete() async throws {
        try await Harness.with { harness in
            let waba = harness.wabaId
            let initial = try await harness.client.listTemplates(wabaID: waba)
            #expect(initial.data.map(\.name) == ["hello_world"])
            #expect(initial.data.first?.category == "UTILITY" && initial.data.first?.language == "en_US")

            let definition = TemplateDefinition(
                name: "order_update", language: "en_US", category: "UTILITY",
                components: [["type": "HEADER", "format": "IMAGE"], ["type": "BODY", "text": "Order {{1}} ships {{2}}, {{1}}."]])
            let created = try await harness.client.createTemplate(wabaID: waba, definition)
            #expect(created.status == "APPROVED")
            let duplicate = await Harness.failure { _ = try await harness.client.createTemplate(wabaID: waba, definition) }
            #expect(duplicate?.graphError?.code == 100)

            // Two distinct placeholders in the body, one image in the header.
            let image = TemplateParameter.image(Media(.link("https://example.com/a.png")))
            let ok = OutgoingMessage(to: Harness.user, content: .template(Template(name: "order_update", language: .init(code: "en_US"), components: [.header([image]), .body([.text("1"), .text("today")])])))
            #expect(try await harness.client.sendMessage(phoneNumberID: Harness.phoneNumberId, ok).messageIDs.count == 1)
            let noHeader = OutgoingMessage(to: Harness.user, content: .template(Template(name: "order_update", language: .init(code: "en_US"), components: [.body([.text("1"), .text("today")])])))
            #expect(await Harness.failure { _ = try await harness.client.sendMessage(phoneNumberID: Harness.phoneNumberId, noHeader) }?.graphError?.code == 132000)

            let page = try await harness.client.listTemplates(wabaID: waba, limit: 1)
            #expect(page.data.count == 1 && page.paging?.next != nil)
            let next = try await harness.client.listTemplates(wabaID: waba, limit: 1, after: page.paging?.cursors?.after)
            #expect(next.data.map(\.name) == ["order_update"] && next.paging?.next == nil)
            #expect(try await harness.client.listTemplates(wabaID: waba, name: "order").data.count == 1)

            try await harness.client.deleteTemplate(wabaID: waba, name: "order_update")
            #expect(try await harness.client.listTemplates(wabaID: waba).data.map(\.name) == ["hello_world"])
            let missing = await Harness.failure { try await harness.client.deleteTemplate(wabaID: waba, name: "order_update") }
            #expect(missing?.graphError?.code == 100)
            let badName = await Harness.failure {
                _ = try await harness.client.createTemplate(wabaID: waba, TemplateDefinition(name: "Bad-Name", language: "en", category: "UTILITY", components: []))
            }
            #expect(badName?.graphError?.code == 100)
        }
    }

    @Test func phoneNumbersRegisterAndSubscription() async throws {
        try await Harness.with { harness in
            let numbers = try await harness.client.listPhoneNumbers(wabaID: harness.wabaId)
            #expect(numbers.data.map(\.id) == [Harness.phoneNumberId])
            #expect(numbers.data.first?.displayPhoneNumber == "+1 555-010-0199")
            let number = try await harness.client.phoneNumber(id: Harness.phoneNumberId, fields: ["status", "throughput", "platform_type"])
            #expect(number.status == "CONNECTED" && number.throughput?.level == "STANDARD" && number.platformType == "CLOUD_API")
            #expect(number.verifiedName == nil, "only the fields asked for")

            try await harness.client.register(phoneNumberID: Harness.phoneNumberId, pin: "123456")
            let badPin = await Harness.failure { try await harness.client.register(phoneNumberID: Harness.phoneNumberId, pin: "12") }
            #expect(badPin?.graphError?.code == 131009)

            #expect(try await harness.client.subscribedApps(wabaID: harness.wabaId).count == 1)
            let unverified = await Harness.failure {
                try await harness.client.subscribeApp(wabaID: harness.wabaId, overrideCallbackURI: harness.receiver.url + "/other", verifyToken: "wrong")
            }
            #expect(unverified?.graphError?.code == 100)
            try await harness.client.subscribeApp(wabaID: harness.wabaId, overrideCallbackURI: harness.receiver.url + "/other", verifyToken: "verify-me")
            let apps = try await harness.client.subscribedApps(wabaID: harness.wabaId)
            #expect(apps.first?.overrideCallbackURI == harness.receiver.url + "/other")

            // Webhooks now go to the override.
            try await harness.inject(type: "text", ["body": "hi"])
            #expect(try await harness.receiver.wait(for: 1).first?.path == "/webhook/other")
        }
    }
}

extension GraphAPI {
    /// `DELETE /{media-id}`: `GraphAPI` has no builder for it, so the request is derived from `mediaInfo`'s.
    func deleteMediaRequest(id: String, client: GraphClient) async throws {
        var request = mediaInfo(mediaID: id)
        request.method = .DELETE
        let (status, body) = try await client.execute(request)
        #expect(status == 200 && String(decoding: body, as: UTF8.self).contains("\"success\":true"))
    }
}
