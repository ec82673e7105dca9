/// The `template` object: an approved message template with the values for its placeholders.
public struct Template: Hashable, Sendable, Codable {
    public var name: String
    public var language: Language
    /// Omitted from the JSON when empty (a template without placeholders).
    public var components: [TemplateComponent]

    public init(name: String, language: Language, components: [TemplateComponent] = []) {
        self.name = name
        self.language = language
        self.components = components
    }

    public struct Language: Hashable, Sendable, Codable {
        /// For example `en_US`.
        public var code: String
        /// `deterministic`; optional in practice.
        public var policy: String?

        public init(code: String, policy: String? = nil) {
            self.code = code
            self.policy = policy
        }
    }

    private enum CodingKeys: String, CodingKey { case name, language, components }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        language = try container.decode(Language.self, forKey: .language)
        components = try container.decodeIfPresent([TemplateComponent].self, forKey: .components) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(language, forKey: .language)
        if !components.isEmpty { try container.encode(components, forKey: .components) }
    }
}

/// One entry of `template.components`.
public enum TemplateComponent: Hashable, Sendable, Codable {
    case header([TemplateParameter])
    case body([TemplateParameter])
    case button(TemplateButton)
    /// Any other component type (for example `carousel`), kept verbatim.
    case other(JSONValue)

    private enum CodingKeys: String, CodingKey { case type, subType = "sub_type", index, parameters }

    public init(from decoder: any Decoder) throws {
        let raw = try JSONValue(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func parameters() throws -> [TemplateParameter] {
            try container.decodeIfPresent([TemplateParameter].self, forKey: .parameters) ?? []
        }
        switch try container.decode(String.self, forKey: .type) {
        case "header": self = .header(try parameters())
        case "body": self = .body(try parameters())
        case "button":
            self = .button(
                TemplateButton(
                    subType: try container.decode(TemplateButton.SubType.self, forKey: .subType),
                    index: try container.decode(TemplateButton.Index.self, forKey: .index),
                    parameters: try parameters()))
        default: self = .other(raw)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        func encode(_ type: String, _ parameters: [TemplateParameter]) throws -> KeyedEncodingContainer<CodingKeys> {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            if !parameters.isEmpty { try container.encode(parameters, forKey: .parameters) }
            return container
        }
        switch self {
        case .header(let parameters): _ = try encode("header", parameters)
        case .body(let parameters): _ = try encode("body", parameters)
        case .button(let button):
            var container = try encode("button", button.parameters)
            try container.encode(button.subType, forKey: .subType)
            try container.encode(button.index, forKey: .index)
        case .other(let raw): try raw.encode(to: encoder)
        }
    }
}

/// A `button` component: which template button (by `index`) gets which parameters.
public struct TemplateButton: Hashable, Sendable {
    public var subType: SubType
    public var index: Index
    public var parameters: [TemplateParameter]

    public init(subType: SubType, index: Index, parameters: [TemplateParameter]) {
        self.subType = subType
        self.index = index
        self.parameters = parameters
    }

    /// `sub_type`, kept as sent: Meta's examples mix cases (`quick_reply`, `CATALOG`).
    public struct SubType: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public init(from decoder: any Decoder) throws { rawValue = try String(from: decoder) }
        public func encode(to encoder: any Encoder) throws { try rawValue.encode(to: encoder) }

        public static let quickReply: SubType = "quick_reply"
        public static let url: SubType = "url"
        public static let catalog: SubType = "catalog"
        public static let flow: SubType = "flow"
        public static let copyCode: SubType = "copy_code"
    }

    /// The button's position, 0...9. Meta's examples send it both as `"0"` and as `0`; the form is kept so
    /// a decoded body re-encodes as it came. New values encode as a string, the documented form.
    public struct Index: Hashable, Sendable, Codable, ExpressibleByIntegerLiteral {
        public var value: Int
        public var encodesAsNumber: Bool

        public init(_ value: Int, encodesAsNumber: Bool = false) {
            self.value = value
            self.encodesAsNumber = encodesAsNumber
        }

        public init(integerLiteral value: Int) { self.init(value) }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                self.init(number, encodesAsNumber: true)
            } else if let number = Int(try container.decode(String.self)) {
                self.init(number)
            } else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "button index is not a number")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if encodesAsNumber { try container.encode(value) } else { try container.encode(String(value)) }
        }
    }
}

/// A value for a template placeholder.
public enum TemplateParameter: Hashable, Sendable, Codable {
    /// `name` is `parameter_name`, for templates with named placeholders.
    case text(String, name: String? = nil)
    case currency(Currency)
    case dateTime(DateTime)
    case image(Media)
    case video(Media)
    case document(Media)
    case location(Location)
    /// A quick-reply button's payload.
    case payload(String)
    /// A catalog or flow button's action.
    case action(Action)
    case couponCode(String)
    /// Anything else, kept verbatim: an unknown type, or a known one in a shape not modelled here (Meta's
    /// own issue-resolution example sends a boolean as a text parameter).
    case other(JSONValue)

    public struct Currency: Hashable, Sendable, Codable {
        public var fallbackValue: String
        /// ISO 4217 code.
        public var code: String
        /// The amount multiplied by 1000.
        public var amount1000: Int64

        public init(fallbackValue: String, code: String, amount1000: Int64) {
            self.fallbackValue = fallbackValue
            self.code = code
            self.amount1000 = amount1000
        }

        enum CodingKeys: String, CodingKey { case fallbackValue = "fallback_value", code, amount1000 = "amount_1000" }
    }

    /// Meta renders `fallbackValue`; the other fields are accepted but not localised any more.
    public struct DateTime: Hashable, Sendable, Codable {
        public var fallbackValue: String
        public var calendar: String?
        public var year: Int?
        public var month: Int?
        public var dayOfMonth: Int?
        public var dayOfWeek: Int?
        public var hour: Int?
        public var minute: Int?
        public var timestamp: Int64?

        public init(
            fallbackValue: String, calendar: String? = nil, year: Int? = nil, month: Int? = nil,
            dayOfMonth: Int? = nil, dayOfWeek: Int? = nil, hour: Int? = nil, minute: Int? = nil,
            timestamp: Int64? = nil
        ) {
            self.fallbackValue = fallbackValue
            self.calendar = calendar
            self.year = year
            self.month = month
            self.dayOfMonth = dayOfMonth
            self.dayOfWeek = dayOfWeek
            self.hour = hour
            self.minute = minute
            self.timestamp = timestamp
        }

        enum CodingKeys: String, CodingKey {
            case fallbackValue = "fallback_value", calendar, year, month, dayOfMonth = "day_of_month"
            case dayOfWeek = "day_of_week", hour, minute, timestamp
        }
    }

    public struct Action: Hashable, Sendable, Codable {
        /// Catalog buttons: the product shown as the thumbnail.
        public var thumbnailProductRetailerID: String?
        /// Flow buttons.
        public var flowToken: String?
        public var flowActionData: JSONValue?

        public init(thumbnailProductRetailerID: String? = nil, flowToken: String? = nil, flowActionData: JSONValue? = nil) {
            self.thumbnailProductRetailerID = thumbnailProductRetailerID
            self.flowToken = flowToken
            self.flowActionData = flowActionData
        }

        enum CodingKeys: String, CodingKey {
            case thumbnailProductRetailerID = "thumbnail_product_retailer_id", flowToken = "flow_token"
            case flowActionData = "flow_action_data"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type, text, parameterName = "parameter_name", currency, dateTime = "date_time", image, video
        case document, location, payload, action, couponCode = "coupon_code"
    }

    public init(from decoder: any Decoder) throws {
        let raw = try JSONValue(from: decoder)
        do {
            self = try Self.decodeModelled(from: decoder)
        } catch {
            self = .other(raw)
        }
    }

    private static func decodeModelled(from decoder: any Decoder) throws -> TemplateParameter {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text":
            return .text(
                try container.decode(String.self, forKey: .text),
                name: try container.decodeIfPresent(String.self, forKey: .parameterName))
        case "currency": return .currency(try container.decode(Currency.self, forKey: .currency))
        case "date_time": return .dateTime(try container.decode(DateTime.self, forKey: .dateTime))
        case "image": return .image(try container.decode(Media.self, forKey: .image))
        case "video": return .video(try container.decode(Media.self, forKey: .video))
        case "document": return .document(try container.decode(Media.self, forKey: .document))
        case "location": return .location(try container.decode(Location.self, forKey: .location))
        case "payload": return .payload(try container.decode(String.self, forKey: .payload))
        case "action": return .action(try container.decode(Action.self, forKey: .action))
        case "coupon_code": return .couponCode(try container.decode(String.self, forKey: .couponCode))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "template parameter type \(type) is not modelled")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        func encode(_ type: String, _ key: CodingKeys, _ value: some Encodable) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(value, forKey: key)
        }
        switch self {
        case .text(let text, let name):
            try encode("text", .text, text)
            if let name {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(name, forKey: .parameterName)
            }
        case .currency(let value): try encode("currency", .currency, value)
        case .dateTime(let value): try encode("date_time", .dateTime, value)
        case .image(let value): try encode("image", .image, value)
        case .video(let value): try encode("video", .video, value)
        case .document(let value): try encode("document", .document, value)
        case .location(let value): try encode("location", .location, value)
        case .payload(let value): try encode("payload", .payload, value)
        case .action(let value): try encode("action", .action, value)
        case .couponCode(let value): try encode("coupon_code", .couponCode, value)
        case .other(let raw): try raw.encode(to: encoder)
        }
    }
}
