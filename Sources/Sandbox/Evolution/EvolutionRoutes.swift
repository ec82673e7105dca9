import Foundation
import Vapor
import WhatsAppCloud

/// The part of Evolution API v2 an agent number needs: instances (create, connect by QR code, state,
/// logout, delete), sending text and media, and the sandbox's stand-ins for the phone
/// (`/sandbox/evolution/{instance}/scan` and `/inbound`).
struct EvolutionRoutes {
    let state: SandboxState
    let events: EvolutionEvents
    /// The global key; each instance also accepts its own token.
    let apiKey: String

    func register(on routes: any RoutesBuilder) {
        let api = routes.grouped(EvolutionMiddleware())
        api.post("instance", "create", use: create)
        api.get("instance", "connect", ":instance", use: connect)
        api.get("instance", "connectionState", ":instance") { request async throws -> Response in
            let instance = try await authorized(request)
            return .json(["instance": ["instanceName": .string(instance.name), "state": .string(instance.connection)]] as JSONValue)
        }
        api.delete("instance", "logout", ":instance", use: logout)
        api.delete("instance", "delete", ":instance") { request async throws -> Response in
            let instance = try await authorized(request)
            await state.removeInstance(instance.name)
            return .json(Self.success("Instance deleted"))
        }
        api.post("message", "sendText", ":instance") { request async throws -> Response in
            try await send(request, kind: .text)
        }
        api.post("message", "sendMedia", ":instance") { request async throws -> Response in
            try await send(request, kind: .media)
        }
        let control = routes.grouped("sandbox", "evolution", ":instance")
        control.post("scan", use: scan)
        control.post("inbound", use: inbound)
    }

    // MARK: Instances

    func create(_ request: Request) async throws -> Response {
        guard request.headers.first(name: "apikey") == apiKey else { throw EvolutionFailure.unauthorized }
        let body = try JSONDecoder().decode(JSONValue.self, from: Data(request.bodyBytes))
        guard let name = body["instanceName"]?.stringValue, !name.isEmpty else {
            throw EvolutionFailure(.badRequest, "instanceName is required")
        }
        // v2 nests the webhook (`webhook: {url, byEvents, events}`); v1 flattened it, and both are still sent.
        let webhook = body["webhook"]
        let events = (webhook?["events"] ?? body["events"]).flatMap { value -> [String]? in
            guard case .array(let items) = value else { return nil }
            return items.compactMap { $0.stringValue?.uppercased().replacingOccurrences(of: ".", with: "_") }
        }
        let generatedToken = await state.newUUID().uppercased()
        let instance = EvolutionInstance(
            name: name, id: await state.newUUID(), token: body["token"]?.stringValue ?? generatedToken,
            integration: body["integration"]?.stringValue ?? "WHATSAPP-BAILEYS", connection: "close",
            webhookURL: webhook?["url"]?.stringValue ?? webhook?.stringValue,
            webhookByEvents: webhook?["byEvents"] == .bool(true) || body["webhook_by_events"] == .bool(true),
            events: events ?? [], qrCode: nil, qrCount: 0, ownerJid: nil, profileName: nil)
        guard await state.addInstance(instance) else {
            throw EvolutionFailure(.forbidden, "This name \"\(name)\" is already in use.")
        }
        var answer: [String: JSONValue] = [
            "instance": [
                "instanceName": .string(name), "instanceId": .string(instance.id), "integration": .string(instance.integration),
                "webhookWaBusiness": nil, "accessTokenWaBusiness": "", "status": "created",
            ],
            "hash": .string(instance.token),
            "webhook": [
                "webhookUrl": instance.webhookURL.map(JSONValue.string) ?? nil, "webhookByEvents": .bool(instance.webhookByEvents),
                "webhookBase64": false,
            ],
            "settings": [
                "rejectCall": false, "msgCall": "", "groupsIgnore": false, "alwaysOnline": false, "readMessages": false,
                "readStatus": false, "syncFullHistory": false,
            ],
        ]
        if body["qrcode"] == .bool(true) {
            answer["qrcode"] = try await issueQRCode(name, number: body["number"]?.stringValue, request: request)
        }
        return .json(JSONValue.object(answer), status: .created)
    }

    /// A new QR code (and pairing code when `?number=` is given); an open instance answers its state.
    func connect(_ request: Request) async throws -> Response {
        let instance = try await authorized(request)
        if instance.connection == "open" {
            return .json(["instance": ["instanceName": .string(instance.name), "state": "open"]] as JSONValue)
        }
        return .json(try await issueQRCode(instance.name, number: request.query[String.self, at: "number"], request: request))
    }

    /// `{pairingCode, code, base64, count}`, also posted as QRCODE_UPDATED.
    private func issueQRCode(_ name: String, number: String?, request: Request) async throws -> JSONValue {
        guard let instance = await state.issueQRCode(for: name), let code = instance.qrCode else {
            throw EvolutionFailure.notFound(name)
        }
        let symbol = try (try? QRCode(encoding: Array(code.utf8), errorCorrection: .medium)) ?? QRCode(encoding: Array(code.utf8), errorCorrection: .low)
        let image = "data:image/png;base64," + Data(PNGWriter.qrCode(symbol)).base64EncodedString()
        let pairingCode: JSONValue = number == nil ? nil : .string(await state.newPairingCode())
        let qr: JSONValue = ["pairingCode": pairingCode, "code": .string(code), "base64": .string(image), "count": .int(Int64(instance.qrCount))]
        _ = await events.post(
            "QRCODE_UPDATED",
            data: ["qrcode": ["instance": .string(name), "pairingCode": pairingCode, "code": .string(code), "base64": .string(image)]],
            instance: instance, serverURL: Self.serverURL(request))
        return qr
    }

    func logout(_ request: Request) async throws -> Response {
        let instance = try await authorized(request)
        guard instance.connection != "close" else {
            throw EvolutionFailure(.badRequest, "The \"\(instance.name)\" instance is not connected")
        }
        guard let closed = await state.updateInstance(instance.name, { $0.connection = "close" }) else { throw EvolutionFailure.notFound(instance.name) }
        _ = await events.post("CONNECTION_UPDATE", data: Self.connectionData(closed, reason: 401), instance: closed, serverURL: Self.serverURL(request))
        await state.updateInstance(instance.name) { $0.ownerJid = nil }
        return .json(Self.success("Instance logged out"))
    }

    // MARK: Messages

    private enum Kind { case text, media }

    private func send(_ request: Request, kind: Kind) async throws -> Response {
        let instance = try await authorized(request)
        guard instance.connection == "open" else { throw EvolutionFailure(.badRequest, "Connection Closed") }
        let body = try JSONDecoder().decode(JSONValue.self, from: Data(request.bodyBytes))
        guard let number = body["number"]?.stringValue, !number.isEmpty else { throw EvolutionFailure(.badRequest, "number is required") }
        let message: JSONValue
        let messageType: String
        switch kind {
        case .text:
            guard let text = body["text"]?.stringValue, !text.isEmpty else { throw EvolutionFailure(.badRequest, "text is required") }
            message = ["conversation": .string(text)]
            messageType = "conversation"
        case .media:
            guard let mediaType = body["mediatype"]?.stringValue, ["image", "video", "document", "audio"].contains(mediaType) else {
                throw EvolutionFailure(.badRequest, "mediatype must be image, video, document or audio")
            }
            guard let media = body["media"]?.stringValue, !media.isEmpty else { throw EvolutionFailure(.badRequest, "media is required") }
            var content: [String: JSONValue] = [
                "url": .string(media.hasPrefix("http") ? media : "https://mmg.whatsapp.net/sandbox/\(await state.newEvolutionMessageID())"),
                "mimetype": body["mimetype"] ?? .string(Self.defaultMimeTypes[mediaType]!),
            ]
            if let caption = body["caption"] { content["caption"] = caption }
            if let fileName = body["fileName"] { content["fileName"] = fileName }
            messageType = mediaType + "Message"
            message = [messageType: .object(content)]
        }
        let data: JSONValue = [
            "key": ["remoteJid": .string(Self.jid(number)), "fromMe": true, "id": .string(await state.newEvolutionMessageID())],
            "pushName": "", "status": "PENDING", "message": message, "messageType": .string(messageType),
            "messageTimestamp": .int(Int64(Date().timeIntervalSince1970)), "instanceId": .string(instance.id), "source": "unknown",
        ]
        await state.count { $0.evolutionMessagesSent += 1 }
        _ = await events.post("SEND_MESSAGE", data: data, instance: instance, serverURL: Self.serverURL(request))
        return .json(data, status: .created)
    }

    static let defaultMimeTypes = ["image": "image/jpeg", "video": "video/mp4", "document": "application/pdf", "audio": "audio/mpeg"]

    // MARK: The phone's side

    /// The phone scanned the QR code: the instance opens, as `{number, profileName}` (both optional).
    func scan(_ request: Request) async throws -> Response {
        let name = try request.parameters.require("instance")
        let body = request.bodyBytes.isEmpty ? nil : try? JSONDecoder().decode(JSONValue.self, from: Data(request.bodyBytes))
        guard let current = await state.evolutionInstance(name) else { throw Abort(.notFound, reason: "no instance \(name)") }
        guard current.connection == "connecting" else {
            throw Abort(.conflict, reason: "instance \(name) is \(current.connection); connect it first to show a QR code")
        }
        let number = body?["number"]?.stringValue ?? "5511999990000"
        guard let opened = await state.updateInstance(name, {
            $0.connection = "open"
            $0.ownerJid = Self.jid(number)
            $0.profileName = body?["profileName"]?.stringValue ?? "Sandbox Phone"
        }) else { throw Abort(.notFound, reason: "no instance \(name)") }
        let delivery = await events.post("CONNECTION_UPDATE", data: Self.connectionData(opened, reason: 200), instance: opened, serverURL: Self.serverURL(request))
        return .json(EventResult(instance: name, state: opened.connection, id: nil, delivery: delivery))
    }

    /// A message from `from` to the instance: `{from, text, pushName?}`, posted as MESSAGES_UPSERT.
    func inbound(_ request: Request) async throws -> Response {
        let name = try request.parameters.require("instance")
        let body = try JSONDecoder().decode(JSONValue.self, from: Data(request.bodyBytes))
        guard let instance = await state.evolutionInstance(name) else { throw Abort(.notFound, reason: "no instance \(name)") }
        guard instance.connection == "open" else { throw Abort(.conflict, reason: "instance \(name) is not open") }
        guard let from = body["from"]?.stringValue, let text = body["text"]?.stringValue else {
            throw Abort(.badRequest, reason: "from and text are required")
        }
        let id = await state.newEvolutionMessageID()
        let data: JSONValue = [
            "key": ["remoteJid": .string(Self.jid(from)), "fromMe": false, "id": .string(id)],
            "pushName": body["pushName"] ?? "Sandbox User", "status": "DELIVERY_ACK", "message": ["conversation": .string(text)],
            "messageType": "conversation", "messageTimestamp": .int(Int64(Date().timeIntervalSince1970)),
            "instanceId": .string(instance.id), "source": "android",
        ]
        let delivery = await events.post("MESSAGES_UPSERT", data: data, instance: instance, serverURL: Self.serverURL(request))
        return .json(EventResult(instance: name, state: instance.connection, id: id, delivery: delivery))
    }

    struct EventResult: Codable {
        var instance: String
        var state: String
        var id: String?
        /// nil when the instance has no webhook or didn't subscribe to the event.
        var delivery: DeliveryResult?
    }

    // MARK: Helpers

    /// The instance named in the path, if `apikey` is the global key or the instance's token.
    private func authorized(_ request: Request) async throws -> EvolutionInstance {
        let name = try request.parameters.require("instance")
        let key = request.headers.first(name: "apikey")
        guard let instance = await state.evolutionInstance(name) else {
            throw key == apiKey ? EvolutionFailure.notFound(name) : EvolutionFailure.unauthorized
        }
        guard key == apiKey || key == instance.token else { throw EvolutionFailure.unauthorized }
        return instance
    }

    static func connectionData(_ instance: EvolutionInstance, reason: Int) -> JSONValue {
        [
            "instance": .string(instance.name), "wuid": instance.ownerJid.map(JSONValue.string) ?? nil,
            "profileName": instance.profileName.map(JSONValue.string) ?? nil, "profilePictureUrl": nil,
            "state": .string(instance.connection), "statusReason": .int(Int64(reason)),
        ]
    }

    static func success(_ message: String) -> JSONValue {
        ["status": "SUCCESS", "error": false, "response": ["message": .string(message)]]
    }

    /// A phone number becomes a user JID; a JID stays as it is.
    static func jid(_ number: String) -> String {
        number.contains("@") ? number : number.filter(\.isNumber) + "@s.whatsapp.net"
    }

    static func serverURL(_ request: Request) -> String { "http://" + (request.headers.first(name: .host) ?? "127.0.0.1") }
}

/// Evolution's error shape: `{"status":404,"error":"Not Found","response":{"message":[...]}}`.
struct EvolutionFailure: Error {
    var status: HTTPResponseStatus
    var message: String

    init(_ status: HTTPResponseStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    static let unauthorized = EvolutionFailure(.unauthorized, "Unauthorized")
    static func notFound(_ name: String) -> EvolutionFailure { EvolutionFailure(.notFound, "The \"\(name)\" instance does not exist") }

    var body: JSONValue {
        let message: JSONValue = status == .unauthorized ? .string(message) : [.string(message)]
        return ["status": .int(Int64(status.code)), "error": .string(status.reasonPhrase), "response": ["message": message]]
    }
}

struct EvolutionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let failure as EvolutionFailure {
            return .json(failure.body, status: failure.status)
        } catch is DecodingError {
            return .json(EvolutionFailure(.badRequest, "The body must be a JSON object").body, status: .badRequest)
        }
    }
}
