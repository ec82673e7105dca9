import Foundation
import WhatsAppCloud

/// Serialises webhook bodies the way Meta does: non-ASCII characters escaped as lowercase `\uXXXX`
/// (surrogate pairs beyond the BMP), so receivers must verify the exact bytes they got.
enum MetaJSON {
    static func encode(_ value: JSONValue) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let plain = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(plain.count)
        // Non-ASCII only occurs inside JSON strings, so escaping scalar by scalar is always valid.
        for scalar in String(decoding: plain, as: UTF8.self).unicodeScalars {
            if scalar.isASCII {
                out.append(UInt8(scalar.value))
            } else {
                for unit in String(scalar).utf16 { out += Array(String(format: "\\u%04x", unit).utf8) }
            }
        }
        return out
    }

    /// `{"object":"whatsapp_business_account","entry":[{"id":<waba>,"changes":[{"field","value"}]}]}`.
    static func envelope(wabaId: String, field: String = "messages", value: JSONValue) -> JSONValue {
        ["object": "whatsapp_business_account", "entry": [["id": .string(wabaId), "changes": [["field": .string(field), "value": value]]]]]
    }

    /// The `value` of a `messages` change for a number, with its metadata.
    static func messagesValue(_ number: SandboxNumber, _ members: [String: JSONValue]) -> JSONValue {
        var value = members
        value["messaging_product"] = "whatsapp"
        value["metadata"] = ["display_phone_number": .string(number.displayDigits), "phone_number_id": .string(number.phoneNumberId)]
        return .object(value)
    }

    static func timestamp(_ date: Date = Date()) -> JSONValue { .string(String(Int(date.timeIntervalSince1970))) }
}
