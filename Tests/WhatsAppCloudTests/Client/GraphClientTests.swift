import AsyncHTTPClient
import Foundation
import Testing
import WhatsAppCloud
import WhatsAppFixtures

/// `GraphClient` over a real `HTTPClient`, against listeners on 127.0.0.1.
@Suite struct GraphClientTests {
    private func client(port: Int, timeout: Duration = .seconds(5)) -> GraphClient {
        GraphClient(
            httpClient: .shared, accessToken: AccessToken("EAAG-secret-token"), baseURL: "http://127.0.0.1:\(port)",
            timeout: timeout)
    }

    @Test func sendsAndReadsTheMessageID() async throws {
        let server = try LocalServer(responses: [
            LocalServer.response(status: "200 OK", json: #"{"messaging_product":"whatsapp","contacts":[{"input":"15551234567","wa_id":"15551234567"}],"messages":[{"id":"wamid.SENT"}]}"#)
        ])
        let response = try await client(port: server.port).sendMessage(
            phoneNumberID: "106540352242922", OutgoingMessage(to: "15551234567", content: .text(Text(body: "hello"))))
        #expect(response.messageIDs == ["wamid.SENT"])
        let request = try #require(server.requests.first)
        #expect(request.hasPrefix("POST /v23.0/106540352242922/messages HTTP/1.1\r\n"))
        #expect(request.lowercased().contains("authorization: bearer eaag-secret-token"))
        let body = try #require(request.range(of: "\r\n\r\n").map { String(request[$0.upperBound...]) })
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)) == ["messaging_product": "whatsapp", "to": "15551234567", "type": "text", "text": ["body": "hello"]])
    }

    @Test func errorAnswersBecomeClassifiedErrors() async throws {
        let server = try LocalServer(responses: [
            LocalServer.response(status: "400 Bad Request", json: #"{"error":{"message":"(#131056) Pair rate limit","type":"OAuthException","code":131056,"fbtrace_id":"X"}}"#)
        ])
        do {
            try await client(port: server.port).markAsRead(phoneNumberID: "1", messageID: "wamid.IN", showTypingIndicator: true)
            Issue.record("expected an error")
        } catch {
            #expect(error.httpStatus == 400)
            #expect(error.graphError?.code == 131056)
            #expect(error.errorClass == .throttled(scope: .pair))
        }
        #expect(server.requests.first?.contains(#""typing_indicator":{"type":"text"}"#) == true)
    }

    @Test func downloadsMediaInTwoSteps() async throws {
        let files = try LocalServer(responses: [LocalServer.response(status: "200 OK", json: "PNG-BYTES", contentType: "image/png")])
        let graph = try LocalServer(responses: [
            LocalServer.response(
                status: "200 OK",
                json: #"{"id":"77","url":"http://127.0.0.1:\#(files.port)/attachments/?mid=77","mime_type":"image/png","file_size":9}"#)
        ])
        let (info, data) = try await client(port: graph.port).downloadMedia(id: "77", phoneNumberID: "106540352242922")
        #expect(info.mimeType == "image/png")
        #expect(info.fileSize == 9)
        #expect(data == Array("PNG-BYTES".utf8))
        #expect(graph.requests.first?.hasPrefix("GET /v23.0/77?phone_number_id=106540352242922 HTTP/1.1\r\n") == true)
        let download = try #require(files.requests.first)
        #expect(download.hasPrefix("GET /attachments/?mid=77 HTTP/1.1\r\n"))
        #expect(download.lowercased().contains("authorization: bearer eaag-secret-token"))
    }

    @Test func refusedConnectionIsRetryable() async throws {
        let closed = try LocalServer(refusing: true)
        do {
            _ = try await client(port: closed.port, timeout: .milliseconds(500)).phoneNumber(id: "1")
            Issue.record("expected a transport error")
        } catch {
            guard case .transport = error.kind else {
                Issue.record("expected a transport error, got \(error.kind)")
                return
            }
            #expect(error.errorClass == .retryable)
            #expect(!error.description.contains("EAAG-secret-token"))
        }
        withExtendedLifetime(closed) {}
    }

    @Test func timeoutIsRetryable() async throws {
        let silent = try LocalServer()
        let started = ContinuousClock.now
        do {
            _ = try await client(port: silent.port, timeout: .milliseconds(300)).subscribedApps(wabaID: "1")
            Issue.record("expected a timeout")
        } catch {
            guard case .transport = error.kind else {
                Issue.record("expected a transport error, got \(error.kind)")
                return
            }
            #expect(error.errorClass == .retryable)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
