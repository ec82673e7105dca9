import Foundation
import WhatsAppCloud

/// The structural checks of `POST /{pnid}/messages`, answered the way Meta answers the common mistakes:
/// 131008 for a missing required parameter, 100 for an unknown type or a shape that doesn't decode,
/// 131009 for a value outside the documented limits (`OutgoingMessage.violations()`).
enum SendChecks {
    static let contentTypes: Set<String> = [
        "text", "image", "audio", "video", "document", "sticker", "location", "contacts", "reaction", "interactive", "template",
    ]

    static func parse(_ bytes: [UInt8]) throws(GraphFailure) -> MessagesRequest {
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), case .object(let fields) = json else {
            throw GraphFailure(100, "The request body must be a JSON object.")
        }
        guard let product = fields["messaging_product"] else {
            throw GraphFailure(131008, "The parameter messaging_product is required.")
        }
        guard product.stringValue == "whatsapp" else {
            throw GraphFailure(100, "Param messaging_product must be \"whatsapp\".")
        }
        if let status = fields["status"] {
            guard status.stringValue == "read" else { throw GraphFailure(100, "Param status must be \"read\".") }
            guard fields["message_id"]?.stringValue?.isEmpty == false else {
                throw GraphFailure(131008, "The parameter message_id is required.")
            }
        } else {
            try requireMessageFields(fields)
        }

        let request: MessagesRequest
        do {
            request = try JSONDecoder().decode(MessagesRequest.self, from: Data(bytes))
        } catch DecodingError.keyNotFound(let key, let context) {
            throw GraphFailure(131008, describe(DecodingError.keyNotFound(key, context)))
        } catch {
            throw GraphFailure(100, describe(error))
        }
        if case .message(let message) = request {
            let violations = message.violations()
            if !violations.isEmpty {
                throw GraphFailure(131009, violations.map { "\($0.path) \($0.message)" }.joined(separator: "; "))
            }
            if message.recipientType != "group", let to = message.to, !isPhoneNumber(to) {
                throw GraphFailure(100, "Param to must be a phone number in E.164 format (got \(to)).")
            }
        }
        return request
    }

    /// `to` or `recipient`, a known `type` (or exactly one content key), its object, and the members
    /// without which the object means nothing.
    private static func requireMessageFields(_ fields: [String: JSONValue]) throws(GraphFailure) {
        guard fields["to"] != nil || fields["recipient"] != nil else {
            throw GraphFailure(131008, "The parameter to is required.")
        }
        let declared = fields["type"]?.stringValue
        guard let type = declared ?? contentTypes.first(where: { fields[$0] != nil }) else {
            throw GraphFailure(131008, "The parameter type is required.")
        }
        guard contentTypes.contains(type) else {
            throw GraphFailure(100, "Param type must be one of {\(contentTypes.sorted().joined(separator: ", "))} (got \(type)).")
        }
        guard let content = fields[type] else { throw GraphFailure(131008, "The parameter \(type) is required.") }
        let required: [String]
        switch type {
        case "text": required = ["body"]
        case "template": required = ["name", "language"]
        case "reaction": required = ["message_id"]
        case "location": required = ["latitude", "longitude"]
        case "interactive": required = ["type", "action"]
        case "image", "audio", "video", "document", "sticker":
            guard content["id"] != nil || content["link"] != nil else {
                throw GraphFailure(131008, "The parameter \(type).id or \(type).link is required.")
            }
            required = []
        default: required = []
        }
        for member in required where content[member] == nil {
            throw GraphFailure(131008, "The parameter \(type).\(member) is required.")
        }
    }

    /// `+` and digits, 7 to 15 of them, ignoring spaces, dashes and parentheses.
    static func isPhoneNumber(_ value: String) -> Bool {
        let stripped = value.filter { !" -()".contains($0) }
        let digits = stripped.hasPrefix("+") ? stripped.dropFirst() : stripped[...]
        return (7...15).contains(digits.count) && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
    }

    /// The WhatsApp id Meta normalises a `to` to: its digits.
    static func waID(_ to: String) -> String { to.filter { $0.isASCII && $0.isNumber } }

    /// "at key.path: what was wrong", from a decoding error.
    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context): return "The parameter \(path(context)).\(key.stringValue) is required."
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "Invalid parameter at \(path(context)): \(context.debugDescription)"
        default: return "Invalid parameter: \(error)"
        }
    }
}
