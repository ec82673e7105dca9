import Foundation

/// A webhook delivery: `{"object":"whatsapp_business_account","entry":[{"id","time"?,"changes":[{"field","value"}]}]}`.
/// Iterate every entry and change: Meta batches.
public struct WebhookPayload: Hashable, Sendable, Codable {
    public var object: String
    public var entry: [Entry]

    public init(object: String = "whatsapp_business_account", entry: [Entry]) {
        self.object = object
        self.entry = entry
    }

    public struct Entry: Hashable, Sendable, Codable {
        /// The WhatsApp Business Account id.
        public var id: String
        /// Unix seconds; present on non-message fields.
        public var time: Int64?
        public var changes: [Change]

        public init(id: String, time: Int64? = nil, changes: [Change]) {
            self.id = id
            self.time = time
            self.changes = changes
        }
    }
}

/// One change of an entry. `value` is decoded by `field`; `rawValue` keeps the JSON exactly as received,
/// and is what encoding writes back, so re-encoding never loses anything.
public struct Change: Hashable, Sendable, Codable {
    public var field: String
    public var value: ChangeValue
    public var rawValue: JSONValue

    private enum CodingKeys: String, CodingKey { case field, value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        field = try container.decode(String.self, forKey: .field)
        rawValue = try container.decodeIfPresent(JSONValue.self, forKey: .value) ?? .null
        value = ChangeValue(field: field, raw: rawValue)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(field, forKey: .field)
        try container.encode(rawValue, forKey: .value)
    }
}

/// The typed `value` of a change.
public enum ChangeValue: Hashable, Sendable {
    /// `messages`: inbound messages, statuses of sent messages, or errors.
    case messages(MessagesValue)
    /// `smb_message_echoes`: messages the business sent from the WhatsApp Business app (coexistence).
    case messageEchoes(MessageEchoesValue)
    /// `calls`: call events and call statuses.
    case calls(CallsValue)
    /// `user_preferences`: a user stopped or resumed marketing messages.
    case userPreferences(UserPreferencesValue)
    /// `group_lifecycle_update`, `group_participants_update`, `group_settings_update`.
    case groups(GroupsValue)
    case accountUpdate(AccountUpdate)
    /// `message_template_status_update`.
    case templateStatusUpdate(TemplateStatusUpdate)
    /// `message_template_quality_update`.
    case templateQualityUpdate(TemplateQualityUpdate)
    /// `template_category_update`.
    case templateCategoryUpdate(TemplateCategoryUpdate)
    /// `message_template_components_update`.
    case templateComponentsUpdate(TemplateComponentsUpdate)
    case phoneNumberQualityUpdate(PhoneNumberQualityUpdate)
    /// A field not modelled here, or a known field whose value no longer has the expected shape. Never an
    /// error: Meta adds fields and the delivery must still be accepted.
    case unknown(field: String, raw: JSONValue)

    /// Decodes from `raw` re-encoded rather than from the bytes as received, so the typed value is a function
    /// of `rawValue` (what encoding writes back) and a re-encoded payload decodes to the same value. Foundation
    /// reads some numbers differently once re-encoded (`7203685403372032036.5` is no Int64, its re-encoding
    /// `7203685403372032000` is), which otherwise turned `.unknown` into a typed value on a round trip.
    init(field: String, raw: JSONValue) {
        let decoder = JSONDecoder()
        decoder.userInfo[Self.contextKey] = Context(field: field, raw: raw)
        guard let data = try? JSONEncoder().encode(raw), let typed = try? decoder.decode(Typed.self, from: data) else {
            self = .unknown(field: field, raw: raw)
            return
        }
        self = typed.value
    }

    private static let contextKey = CodingUserInfoKey(rawValue: "WhatsAppCloud.ChangeValue.context")!
    private struct Context: Sendable { var field: String; var raw: JSONValue }
    private struct Typed: Decodable {
        var value: ChangeValue
        init(from decoder: any Decoder) throws {
            guard let context = decoder.userInfo[ChangeValue.contextKey] as? Context else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no change context"))
            }
            value = ChangeValue(field: context.field, from: decoder, raw: context.raw)
        }
    }

    init(field: String, from decoder: any Decoder, raw: JSONValue) {
        func typed<T: Decodable>(_ make: (T) -> ChangeValue) -> ChangeValue {
            guard let value = try? T(from: decoder) else { return .unknown(field: field, raw: raw) }
            return make(value)
        }
        switch field {
        case "messages": self = typed(ChangeValue.messages)
        case "smb_message_echoes": self = typed(ChangeValue.messageEchoes)
        case "calls": self = typed(ChangeValue.calls)
        case "user_preferences": self = typed(ChangeValue.userPreferences)
        case "group_lifecycle_update", "group_participants_update", "group_settings_update":
            self = typed(ChangeValue.groups)
        case "account_update": self = typed(ChangeValue.accountUpdate)
        case "message_template_status_update": self = typed(ChangeValue.templateStatusUpdate)
        case "message_template_quality_update": self = typed(ChangeValue.templateQualityUpdate)
        case "template_category_update": self = typed(ChangeValue.templateCategoryUpdate)
        case "message_template_components_update": self = typed(ChangeValue.templateComponentsUpdate)
        case "phone_number_quality_update": self = typed(ChangeValue.phoneNumberQualityUpdate)
        default: self = .unknown(field: field, raw: raw)
        }
    }
}
