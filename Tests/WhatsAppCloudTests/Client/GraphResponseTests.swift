import Foundation
import Testing
import WhatsAppCloud
import WhatsAppFixtures

/// Interpreting status and body, as `GraphClient` does after each call.
@Suite struct GraphResponseTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func sendResponseYieldsTheMessageIDs() throws {
        let body = #"{"messaging_product":"whatsapp","contacts":[{"input":"+16505551234","wa_id":"16505551234"}],"messages":[{"id":"wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA","message_status":"accepted"}]}"#
        let response = try GraphResponse.decode(SendMessageResponse.self, status: 200, body: bytes(body))
        #expect(response.messageIDs == ["wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"])
        #expect(response.messages.first?.messageStatus == "accepted")
        #expect(response.contacts == [.init(input: "+16505551234", waID: "16505551234")])
        let minimal = try GraphResponse.decode(SendMessageResponse.self, status: 200, body: bytes(#"{"messages":[{"id":"wamid.A"}]}"#))
        #expect(minimal.messageIDs == ["wamid.A"])
        #expect(minimal.contacts.isEmpty)
    }

    @Test func otherResponsesDecode() throws {
        let media = try GraphResponse.decode(
            MediaInfo.self, status: 200,
            body: bytes(#"{"messaging_product":"whatsapp","url":"https://lookaside.fbsbx.com/x","mime_type":"image/jpeg","sha256":"abc","file_size":303833,"id":"1003383421387256"}"#))
        #expect(media == MediaInfo(id: "1003383421387256", url: "https://lookaside.fbsbx.com/x", mimeType: "image/jpeg", sha256: "abc", fileSize: 303_833))

        let page = try GraphResponse.decode(
            GraphPage<MessageTemplate>.self, status: 200,
            body: bytes(#"{"data":[{"id":"1","name":"hello_world","language":"en_US","status":"APPROVED","category":"UTILITY","components":[{"type":"BODY","text":"Hi"}]}],"paging":{"cursors":{"before":"b","after":"a"}}}"#))
        #expect(page.data.map(\.name) == ["hello_world"])
        #expect(page.data.first?.components == [["type": "BODY", "text": "Hi"]])
        #expect(page.paging?.cursors?.after == "a")

        let phones = try GraphResponse.decode(
            GraphPage<PhoneNumber>.self, status: 200,
            body: bytes(#"{"data":[{"id":"106540352242922","display_phone_number":"+1 555-078-3881","verified_name":"Lucky Shrub","quality_rating":"GREEN","throughput":{"level":"STANDARD"}}]}"#))
        #expect(phones.data.first?.verifiedName == "Lucky Shrub")
        #expect(phones.data.first?.throughput?.level == "STANDARD")

        let apps = try GraphResponse.decode(
            GraphPage<SubscribedApp>.self, status: 200,
            body: bytes(#"{"data":[{"whatsapp_business_api_data":{"id":"67084","link":"https://www.facebook.com/games/?app_id=67084","name":"Jaspers Market"},"override_callback_uri":"https://gw.example.com/hook"}]}"#))
        #expect(apps.data.first?.app?.name == "Jaspers Market")
        #expect(apps.data.first?.overrideCallbackURI == "https://gw.example.com/hook")

        let created = try GraphResponse.decode(CreatedTemplate.self, status: 200, body: bytes(#"{"id":"572279198452421","status":"PENDING","category":"MARKETING"}"#))
        #expect(created == CreatedTemplate(id: "572279198452421", status: "PENDING", category: "MARKETING"))
    }

    @Test func successFlag() throws {
        try GraphResponse.success(status: 200, body: bytes(#"{"success":true}"#))
        #expect {
            try GraphResponse.success(status: 200, body: bytes(#"{"success":false}"#))
        } throws: { error in
            guard let error = error as? GraphClientError, case .unexpectedResponse = error.kind else { return false }
            return error.errorClass == .permanent && error.httpStatus == 200
        }
    }

    private func failure(status: Int, body: String) -> GraphClientError? {
        do {
            _ = try GraphResponse.decode(SendMessageResponse.self, status: status, body: bytes(body))
            return nil
        } catch {
            return error
        }
    }

    @Test func graphErrorsAreDecodedAndClassified() throws {
        let windowClosed = try #require(
            failure(
                status: 400,
                body: #"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"fbtrace_id":"A3Jb"}}"#))
        #expect(windowClosed.kind == .graph)
        #expect(windowClosed.httpStatus == 400)
        #expect(windowClosed.graphError?.code == 131047)
        #expect(windowClosed.graphError?.fbtraceID == "A3Jb")
        #expect(windowClosed.errorClass == .windowClosed)
        #expect(windowClosed.description.contains("code 131047"))
        #expect(windowClosed.description.contains("more than 24 hours"))

        let throttled = try #require(failure(status: 400, body: #"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}}"#))
        #expect(throttled.errorClass == .throttled(scope: .phoneNumber))

        let expired = try #require(failure(status: 401, body: #"{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"error_subcode":463}}"#))
        #expect(expired.errorClass == .reauthorize)
        #expect(expired.graphError?.errorSubcode == 463)

        let transient = try #require(failure(status: 503, body: #"{"error":{"message":"(#2) Service temporarily unavailable","type":"OAuthException","is_transient":true,"code":2}}"#))
        #expect(transient.errorClass == .retryable)
        #expect(transient.graphError?.isTransient == true)
    }

    @Test func errorStatusWithoutAnEnvelope() throws {
        let gateway = try #require(failure(status: 502, body: "<html>Bad Gateway</html>"))
        #expect(gateway.kind == .graph)
        #expect(gateway.graphError == nil)
        #expect(gateway.errorClass == .retryable)
        let notFound = try #require(failure(status: 404, body: ""))
        #expect(notFound.errorClass == .permanent)
    }

    @Test func unreadableSuccessIsPermanent() throws {
        let error = try #require(failure(status: 200, body: #"{"unexpected":true}"#))
        guard case .unexpectedResponse = error.kind else {
            Issue.record("expected unexpectedResponse, got \(error.kind)")
            return
        }
        #expect(error.errorClass == .permanent)
    }

    @Test func checkedPassesBinaryBodiesThrough() throws {
        #expect(try GraphResponse.checked(status: 200, body: [0xFF, 0xD8, 0xFF]) == [0xFF, 0xD8, 0xFF])
        #expect(throws: GraphClientError.self) { try GraphResponse.checked(status: 404, body: []) }
    }
}
