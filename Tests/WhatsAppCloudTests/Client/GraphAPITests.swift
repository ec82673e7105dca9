import Foundation
import Testing
import WhatsAppCloud
import WhatsAppFixtures

/// Request building for every endpoint, checked without a network.
@Suite struct GraphAPITests {
    let api = GraphAPI(accessToken: AccessToken("EAAG-secret-token"))

    private func body(_ request: GraphRequest) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(try #require(request.body)))
    }

    @Test func sendMessage() throws {
        let message = OutgoingMessage(to: "+16505551234", content: .text(Text(body: "hi", previewURL: true)))
        let request = try api.sendMessage(phoneNumberID: "106540352242922", message)
        #expect(request.method == .POST)
        #expect(request.url == "https://graph.facebook.com/v23.0/106540352242922/messages")
        #expect(request.header("authorization") == "Bearer EAAG-secret-token")
        #expect(request.header("Content-Type") == "application/json")
        #expect(
            try body(request)
                == ["messaging_product": "whatsapp", "to": "+16505551234", "type": "text", "text": ["body": "hi", "preview_url": true]])
    }

    @Test func baseURLAndVersionAreConfigurable() throws {
        let emulator = GraphAPI(accessToken: AccessToken("t"), baseURL: "http://127.0.0.1:8080/meta/", apiVersion: "v24.0")
        let request = try emulator.markAsRead(phoneNumberID: "1", ReadReceipt(messageID: "wamid.X"))
        #expect(request.url == "http://127.0.0.1:8080/meta/v24.0/1/messages")
        #expect(GraphAPI(accessToken: AccessToken("t")).apiVersion == WhatsAppCloudVersion.graphAPIVersion)
    }

    @Test func markAsReadMatchesMetaExample() throws {
        let example = try #require(
            Fixtures.metaExampleBodies(in: "meta-send-examples").first { $0.name == "send-typing-indicator-and-read-receipt" }?.body)
        let request = try api.markAsRead(
            phoneNumberID: "1",
            ReadReceipt(messageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA=", showsTypingIndicator: true))
        #expect(try body(request) == example)
    }

    @Test func uploadMediaIsMultipart() throws {
        let request = api.uploadMedia(
            phoneNumberID: "106540352242922", data: Array("PNGDATA".utf8), mimeType: "image/png", filename: "cat \"1\".png",
            boundary: "BOUNDARY")
        #expect(request.method == .POST)
        #expect(request.url == "https://graph.facebook.com/v23.0/106540352242922/media")
        #expect(request.header("Content-Type") == "multipart/form-data; boundary=BOUNDARY")
        #expect(request.header("Authorization") == "Bearer EAAG-secret-token")
        let expected =
            "--BOUNDARY\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"
            + "--BOUNDARY\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nimage/png\r\n"
            + "--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cat %221%22.png\"\r\n"
            + "Content-Type: image/png\r\n\r\nPNGDATA\r\n--BOUNDARY--\r\n"
        #expect(String(decoding: try #require(request.body), as: UTF8.self) == expected)
    }

    @Test func mediaInfoAndDownload() {
        #expect(api.mediaInfo(mediaID: "1003383421387256").url == "https://graph.facebook.com/v23.0/1003383421387256")
        #expect(
            api.mediaInfo(mediaID: "9", phoneNumberID: "106540352242922").url
                == "https://graph.facebook.com/v23.0/9?phone_number_id=106540352242922")
        let url = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=65463453&ext=1&hash=abc"
        let download = api.downloadMedia(url: url)
        #expect(download.method == .GET)
        #expect(download.url == url)
        #expect(download.header("Authorization") == "Bearer EAAG-secret-token")
        #expect(download.body == nil)
    }

    @Test func templates() throws {
        let list = api.listTemplates(wabaID: "102290129340398", name: "order update", limit: 50, after: "QVFI+abc=")
        #expect(list.method == .GET)
        #expect(list.url == "https://graph.facebook.com/v23.0/102290129340398/message_templates?name=order%20update&limit=50&after=QVFI%2Babc%3D")
        #expect(api.listTemplates(wabaID: "1", status: "APPROVED").url == "https://graph.facebook.com/v23.0/1/message_templates?status=APPROVED")

        let definition = TemplateDefinition(
            name: "order_update", language: "en_US", category: "UTILITY",
            components: [["type": "BODY", "text": "Order {{1}} shipped", "example": ["body_text": [["123"]]]]])
        let create = try api.createTemplate(wabaID: "1", definition)
        #expect(create.method == .POST)
        #expect(create.url == "https://graph.facebook.com/v23.0/1/message_templates")
        #expect(
            try body(create)
                == ["name": "order_update", "language": "en_US", "category": "UTILITY",
                    "components": [["type": "BODY", "text": "Order {{1}} shipped", "example": ["body_text": [["123"]]]]]])

        let deleteAll = api.deleteTemplate(wabaID: "1", name: "order_update")
        #expect(deleteAll.method == .DELETE)
        #expect(deleteAll.url == "https://graph.facebook.com/v23.0/1/message_templates?name=order_update")
        #expect(
            api.deleteTemplate(wabaID: "1", name: "order_update", templateID: "1689556908129832").url
                == "https://graph.facebook.com/v23.0/1/message_templates?name=order_update&hsm_id=1689556908129832")
    }

    @Test func phoneNumbersAndRegister() throws {
        #expect(api.listPhoneNumbers(wabaID: "1").url == "https://graph.facebook.com/v23.0/1/phone_numbers")
        #expect(
            api.listPhoneNumbers(wabaID: "1", fields: ["id", "display_phone_number", "throughput"]).url
                == "https://graph.facebook.com/v23.0/1/phone_numbers?fields=id%2Cdisplay_phone_number%2Cthroughput")
        #expect(api.phoneNumber(id: "106540352242922").url == "https://graph.facebook.com/v23.0/106540352242922")
        #expect(api.phoneNumber(id: "106540352242922").method == .GET)

        let register = try api.register(phoneNumberID: "106540352242922", pin: "123456")
        #expect(register.method == .POST)
        #expect(register.url == "https://graph.facebook.com/v23.0/106540352242922/register")
        #expect(try body(register) == ["messaging_product": "whatsapp", "pin": "123456"])
        let localized = try api.register(phoneNumberID: "1", pin: "123456", dataLocalizationRegion: "IN")
        #expect(try body(localized)["data_localization_region"] == "IN")
    }

    @Test func subscribedApps() throws {
        let list = api.subscribedApps(wabaID: "102290129340398")
        #expect(list.method == .GET)
        #expect(list.url == "https://graph.facebook.com/v23.0/102290129340398/subscribed_apps")

        let plain = try api.subscribeApp(wabaID: "1")
        #expect(plain.method == .POST)
        #expect(plain.body == nil)
        let routed = try api.subscribeApp(wabaID: "1", overrideCallbackURI: "https://gw.example.com/hook", verifyToken: "vt")
        #expect(try body(routed) == ["override_callback_uri": "https://gw.example.com/hook", "verify_token": "vt"])
    }

    @Test func pathSegmentsAreEscaped() {
        #expect(api.phoneNumber(id: "../me").url == "https://graph.facebook.com/v23.0/..%2Fme")
    }

    @Test func unencodableBodyIsAnInvalidRequest() {
        let message = OutgoingMessage(to: "1", content: .location(Location(latitude: .nan, longitude: 0)))
        #expect {
            _ = try api.sendMessage(phoneNumberID: "1", message)
        } throws: { error in
            guard let error = error as? GraphClientError, case .invalidRequest = error.kind else { return false }
            return error.errorClass == .permanent
        }
    }

    @Test func theTokenNeverShowsInDescriptions() throws {
        let request = try api.sendMessage(phoneNumberID: "1", OutgoingMessage(to: "1", content: .text(Text(body: "x"))))
        var dumped = ""
        dump(request, to: &dumped)
        dump(api, to: &dumped)
        dump(GraphClientError(kind: .graph, httpStatus: 401, graphError: GraphError(code: 190), errorClass: .reauthorize), to: &dumped)
        let described = [String(describing: request), String(reflecting: request), String(describing: api), "\(api.accessToken)", String(reflecting: api.accessToken), dumped]
        for text in described {
            #expect(!text.contains("EAAG-secret-token"), "\(text)")
        }
        #expect(String(describing: request) == "POST https://graph.facebook.com/v23.0/1/messages")
    }

    @Test func convertsToAnAsyncHTTPClientRequest() throws {
        let request = try api.register(phoneNumberID: "1", pin: "000000").httpClientRequest
        #expect(request.url == "https://graph.facebook.com/v23.0/1/register")
        #expect(request.method.rawValue == "POST")
        #expect(request.headers.first(name: "Authorization") == "Bearer EAAG-secret-token")
        #expect(request.headers.first(name: "Content-Type") == "application/json")
    }
}
