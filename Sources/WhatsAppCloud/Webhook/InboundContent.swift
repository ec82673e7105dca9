import Foundation

/// What an inbound message carries, by its `type`. Decoding never fails: a type not modelled here, or a
/// known type whose payload has an unexpected shape, becomes `.unknown` with the whole message JSON.
public enum InboundContent: Hashable, Sendable {
    case text(String)
    case image(InboundMedia)
    /// `voice` is true for voice notes.
    case audio(InboundMedia)
    case video(InboundMedia)
    case document(InboundMedia)
    case sticker(InboundMedia)
    case location(Location)
    case contacts([Contact])
    case interactive(InteractiveReply)
    /// A template quick-reply button press.
    case button(payload: String?, text: String)
    /// An empty emoji means the user removed their reaction.
    case reaction(Reaction)
    case order(Order)
    case system(SystemEvent)
    /// A type WhatsApp itself doesn't support; `errors` explain (131051). `type` names it when known.
    case unsupported(type: String?)
    /// The user deleted an earlier message.
    case revoke(originalMessageID: String)
    /// The user edited an earlier message; `message` holds the new content.
    indirect case edit(originalMessageID: String, message: EditedMessage)
    /// The user opened the chat for the first time (welcome-message trigger).
    case requestWelcome
    case unknown(type: String, raw: JSONValue)

    private enum Keys: String, CodingKey {
        case type, text, image, audio, video, document, sticker, location, contacts, interactive, button
        case reaction, order, system, unsupported, revoke, edit
    }

    private struct TextBody: Decodable { var body: String }
    private struct Button: Decodable { var payload: String?; var text: String }
    private struct UnsupportedBody: Decodable { var type: String? }
    private struct OriginalMessage: Decodable {
        var originalMessageID: String
        enum CodingKeys: String, CodingKey { case originalMessageID = "original_message_id" }
    }
    private struct Edit: Decodable {
        var originalMessageID: String
        var message: EditedMessage
        enum CodingKeys: String, CodingKey { case originalMessageID = "original_message_id", message }
    }

    init(from decoder: any Decoder, raw: JSONValue) {
        let type = raw["type"]?.stringValue ?? ""
        do {
            self = try Self.decodeModelled(type: type, from: decoder.container(keyedBy: Keys.self)) ?? .unknown(type: type, raw: raw)
        } catch {
            self = .unknown(type: type, raw: raw)
        }
    }

    private static func decodeModelled(type: String, from container: KeyedDecodingContainer<Keys>) throws -> InboundContent? {
        switch type {
        case "text": return .text(try container.decode(TextBody.self, forKey: .text).body)
        case "image": return .image(try container.decode(InboundMedia.self, forKey: .image))
        case "audio": return .audio(try container.decode(InboundMedia.self, forKey: .audio))
        case "video": return .video(try container.decode(InboundMedia.self, forKey: .video))
        case "document": return .document(try container.decode(InboundMedia.self, forKey: .document))
        case "sticker": return .sticker(try container.decode(InboundMedia.self, forKey: .sticker))
        case "location": return .location(try container.decode(Location.self, forKey: .location))
        case "contacts": return .contacts(try container.decode([Contact].self, forKey: .contacts))
        case "interactive": return .interactive(try container.decode(InteractiveReply.self, forKey: .interactive))
        case "button":
            let button = try container.decode(Button.self, forKey: .button)
            return .button(payload: button.payload, text: button.text)
        case "reaction": return .reaction(try container.decode(Reaction.self, forKey: .reaction))
        case "order": return .order(try container.decode(Order.self, forKey: .order))
        case "system": return .system(try container.decode(SystemEvent.self, forKey: .system))
        case "unsupported", "unknown":
            return .unsupported(type: try container.decodeIfPresent(UnsupportedBody.self, forKey: .unsupported)?.type)
        case "revoke":
            return .revoke(originalMessageID: try container.decode(OriginalMessage.self, forKey: .revoke).originalMessageID)
        case "edit":
            let edit = try container.decode(Edit.self, forKey: .edit)
            return .edit(originalMessageID: edit.originalMessageID, message: edit.message)
        case "request_welcome": return .requestWelcome
        default: return nil
        }
    }
}

/// The new version of an edited message: `edit.message`.
public struct EditedMessage: Hashable, Sendable, Decodable {
    public var context: MessageContext?
    public var content: InboundContent

    private enum CodingKeys: String, CodingKey { case context }

    public init(from decoder: any Decoder) throws {
        let raw = try JSONValue(from: decoder)
        context = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(MessageContext.self, forKey: .context)
        content = InboundContent(from: decoder, raw: raw)
    }
}

/// Received media. Fetch it with `GraphClient.downloadMedia(id:)` within 7 days.
public struct InboundMedia: Hashable, Sendable, Codable {
    public var id: String
    public var mimeType: String?
    public var sha256: String?
    public var caption: String?
    /// Documents only.
    public var filename: String?
    /// Audio only: a voice note rather than an audio file.
    public var voice: Bool?
    /// Stickers only.
    public var animated: Bool?
    /// Newer payloads carry the download URL directly.
    public var url: String?

    enum CodingKeys: String, CodingKey {
        case id, mimeType = "mime_type", sha256, caption, filename, voice, animated, url
    }
}

/// The user's answer to an interactive message.
public enum InteractiveReply: Hashable, Sendable, Decodable {
    case buttonReply(id: String, title: String)
    case listReply(id: String, title: String, description: String?)
    /// A completed WhatsApp Flow (`nfm_reply`).
    case flowReply(FlowReply)
    case callPermissionReply(CallPermissionReply)
    /// Another reply type, with the whole `interactive` object.
    case unknown(type: String, raw: JSONValue)

    private enum Keys: String, CodingKey {
        case type, buttonReply = "button_reply", listReply = "list_reply", nfmReply = "nfm_reply"
        case callPermissionReply = "call_permission_reply"
    }

    private struct Choice: Decodable { var id: String; var title: String; var description: String? }

    public init(from decoder: any Decoder) throws {
        let raw = try JSONValue(from: decoder)
        let container = try decoder.container(keyedBy: Keys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "button_reply":
            let choice = try container.decode(Choice.self, forKey: .buttonReply)
            self = .buttonReply(id: choice.id, title: choice.title)
        case "list_reply":
            let choice = try container.decode(Choice.self, forKey: .listReply)
            self = .listReply(id: choice.id, title: choice.title, description: choice.description)
        case "nfm_reply":
            self = .flowReply(try container.decode(FlowReply.self, forKey: .nfmReply))
        case "call_permission_reply":
            self = .callPermissionReply(try container.decode(CallPermissionReply.self, forKey: .callPermissionReply))
        default:
            self = .unknown(type: type, raw: raw)
        }
    }
}

/// `interactive.nfm_reply`: the data a user submitted in a Flow.
public struct FlowReply: Hashable, Sendable, Codable {
    /// `flow`.
    public var name: String?
    /// `Sent`.
    public var body: String?
    /// The submitted data as a JSON string (it includes `flow_token` when one was sent).
    public var responseJSON: String

    /// `responseJSON` parsed, or nil when it isn't valid JSON.
    public var response: JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(responseJSON.utf8))
    }

    public var flowToken: String? { response?["flow_token"]?.stringValue }

    enum CodingKeys: String, CodingKey { case name, body, responseJSON = "response_json" }
}

/// `interactive.call_permission_reply`: whether the user lets the business call them.
public struct CallPermissionReply: Hashable, Sendable, Codable {
    /// `accept` or `reject`.
    public var response: String
    /// Unix seconds until which the permission holds.
    public var expirationTimestamp: Int64?
    public var responseSource: String?

    enum CodingKeys: String, CodingKey {
        case response, expirationTimestamp = "expiration_timestamp", responseSource = "response_source"
    }
}

/// `order`: a cart sent from the catalog.
public struct Order: Hashable, Sendable, Codable {
    public var catalogID: String
    public var text: String?
    public var productItems: [Item]

    public struct Item: Hashable, Sendable, Codable {
        public var productRetailerID: String
        public var quantity: Int
        public var itemPrice: Double
        public var currency: String

        enum CodingKeys: String, CodingKey {
            case productRetailerID = "product_retailer_id", quantity, itemPrice = "item_price", currency
        }
    }

    enum CodingKeys: String, CodingKey { case catalogID = "catalog_id", text, productItems = "product_items" }
}

/// `system`: the user changed number or identity.
public struct SystemEvent: Hashable, Sendable, Codable {
    public var body: String?
    /// For example `user_changed_number`, `customer_identity_changed`, `user_changed_user_id`.
    public var type: String?
    /// The user's new phone number, for number changes.
    public var waID: String?
    /// The user's new business-scoped id, for id changes.
    public var userID: String?

    enum CodingKeys: String, CodingKey { case body, type, waID = "wa_id", userID = "user_id" }
}
