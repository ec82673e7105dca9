import AsyncHTTPClient
import Foundation
import Vapor
import WhatsAppCloud

/// Phone numbers, registration and the WABA's webhook subscription.
struct AccountRoutes {
    let state: SandboxState
    /// The app the sandbox pretends the tokens belong to.
    static let appID = "1234567890123456"

    func register(on graph: any RoutesBuilder) {
        graph.get(":id", "phone_numbers", use: phoneNumbers)
        graph.on(.POST, ":id", "register", body: .collect(maxSize: "64kb"), use: registerNumber)
        graph.get(":id", "subscribed_apps", use: subscribedApps)
        graph.on(.POST, ":id", "subscribed_apps", body: .collect(maxSize: "64kb"), use: subscribe)
        graph.delete(":id", "subscribed_apps", use: unsubscribe)
    }

    /// Meta's default fields when `fields` is absent.
    static let defaultFields = ["id", "display_phone_number", "verified_name", "quality_rating"]

    static func describe(_ number: SandboxNumber, fields: [String]) -> JSONValue {
        let all: [String: JSONValue] = [
            "id": .string(number.phoneNumberId), "display_phone_number": .string(number.displayPhoneNumber),
            "verified_name": .string(number.verifiedName), "quality_rating": "GREEN",
            "code_verification_status": "VERIFIED", "status": number.registered ? "CONNECTED" : "PENDING",
            "name_status": "APPROVED", "platform_type": "CLOUD_API", "account_mode": "LIVE",
            "messaging_limit_tier": "TIER_1K", "throughput": ["level": "STANDARD"], "is_official_business_account": false,
        ]
        return .object(all.filter { fields.contains($0.key) || $0.key == "id" })
    }

    private func fields(_ request: Request) -> [String] {
        request.query[String.self, at: "fields"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            ?? Self.defaultFields
    }

    func phoneNumbers(_ request: Request) async throws -> Response {
        let numbers = try await GraphAuth(state: state, request: request).waba(try request.parameters.require("id"))
        let data = numbers.map { Self.describe($0, fields: fields(request)) }
        return .json(["data": .array(data), "paging": ["cursors": ["before": "MAZDZD", "after": "MAZDZD"]]] as JSONValue)
    }

    /// `GET /{phone-number-id}`.
    func phoneNumber(_ request: Request) async throws -> Response {
        let number = try await GraphAuth(state: state, request: request).number(try request.parameters.require("id"))
        return .json(Self.describe(number, fields: fields(request)))
    }

    /// Needs the six-digit two-step verification PIN.
    func registerNumber(_ request: Request) async throws -> Response {
        let number = try await GraphAuth(state: state, request: request).number(try request.parameters.require("id"))
        let body = try? JSONDecoder().decode(JSONValue.self, from: Data(request.bodyBytes))
        guard body?["messaging_product"] != nil else { throw GraphFailure(131008, "The parameter messaging_product is required.") }
        guard let pin = body?["pin"]?.stringValue else { throw GraphFailure(131008, "The parameter pin is required.") }
        guard pin.count == 6, pin.allSatisfy(\.isNumber) else { throw GraphFailure(131009, "pin must be 6 digits.") }
        await state.update(number.phoneNumberId) { $0.registered = true }
        return .json(["success": true])
    }

    func subscribedApps(_ request: Request) async throws -> Response {
        let numbers = try await GraphAuth(state: state, request: request).waba(try request.parameters.require("id"))
        guard let number = numbers.first(where: \.subscribed) else { return .json(["data": []] as JSONValue) }
        var app: [String: JSONValue] = [
            "whatsapp_business_api_data": [
                "id": .string(Self.appID), "name": "Switchboard Sandbox App",
                "link": .string("https://www.facebook.com/games/?app_id=\(Self.appID)"),
            ]
        ]
        if let uri = number.overrideCallbackURI { app["override_callback_uri"] = .string(uri) }
        return .json(["data": [.object(app)]] as JSONValue)
    }

    /// With `override_callback_uri`, first does Meta's verification GET against it with `verify_token`.
    func subscribe(_ request: Request) async throws -> Response {
        let numbers = try await GraphAuth(state: state, request: request).waba(try request.parameters.require("id"))
        let body = request.bodyBytes.isEmpty ? nil : try? JSONDecoder().decode(JSONValue.self, from: Data(request.bodyBytes))
        let override = body?["override_callback_uri"]?.stringValue
        if let override {
            guard let verifyToken = body?["verify_token"]?.stringValue else {
                throw GraphFailure(131008, "The parameter verify_token is required with override_callback_uri.")
            }
            try await Self.verifyCallback(override, verifyToken: verifyToken)
        }
        for number in numbers {
            await state.update(number.phoneNumberId) {
                $0.subscribed = true
                $0.overrideCallbackURI = override
            }
        }
        return .json(["success": true])
    }

    func unsubscribe(_ request: Request) async throws -> Response {
        let numbers = try await GraphAuth(state: state, request: request).waba(try request.parameters.require("id"))
        for number in numbers {
            await state.update(number.phoneNumberId) {
                $0.subscribed = false
                $0.overrideCallbackURI = nil
            }
        }
        return .json(["success": true])
    }

    /// `GET <uri>?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` must answer the challenge.
    static func verifyCallback(_ uri: String, verifyToken: String) async throws(GraphFailure) {
        let challenge = String(UInt32.random(in: 100_000_000...999_999_999))
        var components = URLComponents(string: uri)
        let existing = components?.queryItems ?? []
        components?.queryItems = existing + [
            .init(name: "hub.mode", value: "subscribe"), .init(name: "hub.verify_token", value: verifyToken),
            .init(name: "hub.challenge", value: challenge),
        ]
        guard let url = components?.string else { throw GraphFailure(100, "override_callback_uri is not a URL.") }
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 64 * 1024)
            guard response.status == .ok, String(buffer: body) == challenge else {
                throw GraphFailure(100, "Callback verification failed: \(uri) answered \(response.status.code) without the challenge.")
            }
        } catch let failure as GraphFailure {
            throw failure
        } catch {
            throw GraphFailure(100, "Callback verification failed: \(uri) could not be reached (\(error)).")
        }
    }
}

extension SandboxState {
    func update(_ phoneNumberId: String, _ change: (inout SandboxNumber) -> Void) {
        if var number = numbers[phoneNumberId] {
            change(&number)
            numbers[phoneNumberId] = number
        }
    }
}
