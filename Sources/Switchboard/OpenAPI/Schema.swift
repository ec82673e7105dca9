/// A JSON Schema (2020-12, as OpenAPI 3.1 uses it), just the parts the document needs.
public struct Schema: Encodable, Sendable {
    var ref: String?
    var type: [String]?
    var format: String?
    var enumValues: [String]?
    var properties: [String: Schema]?
    var required: [String]?
    var items: [Schema]?
    var additionalProperties: Bool?
    var minLength: Int?
    var maxLength: Int?
    var pattern: String?
    var minItems: Int?
    var minimum: Int?
    var maximum: Int?
    var description: String?

    enum CodingKeys: String, CodingKey {
        case ref = "$ref", type, format, enumValues = "enum", properties, required, items, additionalProperties
        case minLength, maxLength, pattern, minItems, minimum, maximum, description
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(ref, forKey: .ref)
        if let type { try type.count == 1 ? container.encode(type[0], forKey: .type) : container.encode(type, forKey: .type) }
        try container.encodeIfPresent(format, forKey: .format)
        try container.encodeIfPresent(enumValues, forKey: .enumValues)
        try container.encodeIfPresent(properties, forKey: .properties)
        try container.encodeIfPresent(required, forKey: .required)
        try container.encodeIfPresent(items?.first, forKey: .items)
        try container.encodeIfPresent(additionalProperties, forKey: .additionalProperties)
        try container.encodeIfPresent(minLength, forKey: .minLength)
        try container.encodeIfPresent(maxLength, forKey: .maxLength)
        try container.encodeIfPresent(pattern, forKey: .pattern)
        try container.encodeIfPresent(minItems, forKey: .minItems)
        try container.encodeIfPresent(minimum, forKey: .minimum)
        try container.encodeIfPresent(maximum, forKey: .maximum)
        try container.encodeIfPresent(description, forKey: .description)
    }

    public static func string(format: String? = nil, min: Int? = nil, max: Int? = nil, pattern: String? = nil, nullable: Bool = false) -> Schema {
        Schema(type: nullable ? ["string", "null"] : ["string"], format: format, minLength: min, maxLength: max, pattern: pattern)
    }
    public static func enumeration(_ values: [String], nullable: Bool = false) -> Schema {
        Schema(type: nullable ? ["string", "null"] : ["string"], enumValues: values + (nullable ? [] : []))
    }
    public static let uuid = string(format: "uuid")
    public static let dateTime = string(format: "date-time")
    public static let nullableDateTime = string(format: "date-time", nullable: true)
    public static let boolean = Schema(type: ["boolean"])
    public static func integer(min: Int? = nil, max: Int? = nil) -> Schema { Schema(type: ["integer"], minimum: min, maximum: max) }
    public static func array(_ items: Schema) -> Schema { Schema(type: ["array"], items: [items]) }
    public static func ref(_ name: String) -> Schema { Schema(ref: "#/components/schemas/\(name)") }
    public static let role = enumeration(Role.allCases.map(\.rawValue))

    /// An object; `required` lists the properties that must be present. Closed, as the API rejects unknown fields.
    public static func object(_ properties: [String: Schema], required: [String]) -> Schema {
        Schema(type: ["object"], properties: properties, required: required, additionalProperties: false)
    }
}
