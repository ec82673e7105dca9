import Foundation
import WhatsAppCloud

/// A user message to inject: `{phoneNumberId, from, userId?, profileName?, type, <type>: {...}, context?}`,
/// the `<type>` object shaped as in Meta's webhooks. Media objects without an `id` get a stored
/// placeholder file, so the gateway can download them.
public struct InboundInjection: Sendable, Hashable {
    /// Every inbound type of Meta's and pywa's webhook samples.
    public static let types: Set<String> = [
        "text", "image", "audio", "video", "document", "sticker", "location", "contacts", "interactive", "button",
        "reaction", "order", "system", "unsupported", "request_welcome", "revoke", "edit",
    ]
    static let mediaTypes: [String: String] = [
        "image": "image/png", "audio": "audio/ogg; codecs=opus", "video": "video/mp4", "document": "application/pdf",
        "sticker": "image/webp",
    ]

    public var phoneNumberId: String
    /// The user's phone number (wa_id).
    public var from: String
    /// The user's business-scoped user id.
    public var userId: String?
    public var profileName: String
    public var type: String
    /// The object under `type` (for `text`, a plain string is taken as the body).
    public var payload: JSONValue?
    public var context: JSONValue?

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(
        phoneNumberId: String, from: String, userId: String? = nil, profileName: String = "Sandbox User", type: String,
        payload: JSONValue?, context: JSONValue? = nil
    ) throws(Invalid) {
        guard Self.types.contains(type) else {
            throw Invalid(description: "type must be one of \(Self.types.sorted().joined(separator: ", "))")
        }
        if payload == nil && !["unsupported", "request_welcome"].contains(type) {
            throw Invalid(description: "a \(type) message needs its `\(type)` object")
        }
        self.phoneNumberId = phoneNumberId
        self.from = from
        self.userId = userId
        self.profileName = profileName
        self.type = type
        self.payload = type == "text" ? payload?.stringValue.map { ["body": .string($0)] } ?? payload : payload
        self.context = context
    }

    /// From the JSON body of `POST /sandbox/inbound`.
    public init(json: JSONValue) throws(Invalid) {
        guard let phoneNumberId = json["phoneNumberId"]?.stringValue, let from = json["from"]?.stringValue,
            let type = json["type"]?.stringValue
        else { throw Invalid(description: "phoneNumberId, from and type are required") }
        try self.init(
            phoneNumberId: phoneNumberId, from: from, userId: json["userId"]?.stringValue,
            profileName: json["profileName"]?.stringValue ?? "Sandbox User", type: type, payload: json[type],
            context: json["context"])
    }
}

/// The answer to an injection.
public struct InjectionResult: Sendable, Codable, Hashable {
    public var wamid: String
    /// How many times the webhook was posted (0 when the drop fault hit, 2 when duplicated).
    public var copies: Int
    /// The last posting's result.
    public var delivery: DeliveryResult?
}

extension SandboxState {
    /// Records the message (its window opens, except for system notices, which users don't write) and
    /// returns the webhook body's `value`.
    func receive(_ injection: InboundInjection, number: SandboxNumber, now: Date = Date()) -> (wamid: String, value: JSONValue) {
        let wamid = newWamid(phoneNumberId: number.phoneNumberId)
        var payload = injection.payload
        if let mimeType = InboundInjection.mediaTypes[injection.type], case .object(var media) = payload ?? [:], media["id"] == nil {
            let bytes = injection.type == "image" ? PNGWriter.blackAndWhite(width: 1, height: 1) { _, _ in false } : Array("sandbox \(injection.type)".utf8)
            let type = media["mime_type"]?.stringValue ?? mimeType
            let stored = storeMedia(phoneNumberId: number.phoneNumberId, bytes: bytes, mimeType: type)
            media["id"] = .string(stored.id)
            media["mime_type"] = .string(type)
            media["sha256"] = .string(stored.sha256)
            payload = .object(media)
        }
        var message: [String: JSONValue] = [
            "from": .string(injection.from), "id": .string(wamid), "timestamp": MetaJSON.timestamp(now), "type": .string(injection.type),
        ]
        if let payload { message[injection.type] = payload }
        if let userId = injection.userId { message["from_user_id"] = .string(userId) }
        if let context = injection.context { message["context"] = context }
        if injection.type == "unsupported" {
            message["errors"] = [
                [
                    "code": 131051, "title": "Message type unknown", "message": "Message type unknown",
                    "error_data": ["details": "Message type is currently not supported."],
                ]
            ]
        }
        var contact: [String: JSONValue] = ["profile": ["name": .string(injection.profileName)], "wa_id": .string(injection.from)]
        if let userId = injection.userId { contact["user_id"] = .string(userId) }

        if injection.type != "system" {
            openWindow(phoneNumberId: number.phoneNumberId, user: SendChecks.waID(injection.from), at: now)
            if let userId = injection.userId { openWindow(phoneNumberId: number.phoneNumberId, user: userId, at: now) }
        }
        counters.inboundInjected += 1
        return (wamid, MetaJSON.messagesValue(number, ["contacts": [.object(contact)], "messages": [.object(message)]]))
    }
}
