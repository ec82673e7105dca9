import Foundation
import Vapor
import WhatsAppCloud

/// The body of `POST /api/v1/messages`: a recipient, the content in the Cloud API's own shape (`type` plus the
/// object of that type), and what Switchboard adds: `replyTo`, `accountId`, `agentId`.
struct SendMessageInput: Sendable {
    enum Recipient: Sendable, Hashable {
        /// A phone number, as digits without the plus (Meta's `wa_id`).
        case phone(String)
        /// A business-scoped user id.
        case userID(String)

        var key: String {
            switch self {
            case .phone(let digits): digits
            case .userID(let id): id
            }
        }
    }

    var recipient: Recipient
    /// The Cloud API body addressed to the recipient; the reply context and callback data are added later.
    var message: OutgoingMessage
    var replyTo: UUID?
    var accountID: UUID?
    var agentID: UUID?

    static let ownFields: Set<String> = ["to", "recipient", "replyTo", "accountId", "agentId", "messaging_product", "recipient_type"]
    static let contentFields: Set<String> = ["type", "text", "image", "audio", "video", "document", "sticker", "location",
                                             "contacts", "reaction", "interactive", "template"]

    /// Decodes and checks everything that can be checked without the database: 415/400 for the wrong body,
    /// 422 naming each bad field (unknown ones included) otherwise.
    static func decode(contentType: HTTPMediaType?, body: ByteBuffer?) throws -> SendMessageInput {
        let raw = try JSONInput.decode(RawBody.self, contentType: contentType, body: body)
        var errors: [FieldError] = []
        var object = raw.object

        func string(_ key: String) -> String? {
            guard let value = object.removeValue(forKey: key) else { return nil }
            guard case .string(let text) = value else {
                errors.append(FieldError(key, "must be a string"))
                return nil
            }
            return text
        }
        func uuid(_ key: String) -> UUID? {
            guard let text = string(key) else { return nil }
            guard let id = UUID(uuidString: text) else {
                errors.append(FieldError(key, "must be a UUID"))
                return nil
            }
            return id
        }

        let to = string("to")
        let userID = string("recipient")
        let replyTo = uuid("replyTo")
        let accountID = uuid("accountId")
        let agentID = uuid("agentId")
        if let product = string("messaging_product"), product != "whatsapp" {
            errors.append(FieldError("messaging_product", "must be \"whatsapp\""))
        }
        if let kind = string("recipient_type"), kind != "individual" {
            errors.append(FieldError("recipient_type", "must be \"individual\" (groups are not supported)"))
        }

        var recipient: Recipient?
        switch (to, userID) {
        case (nil, nil):
            errors.append(FieldError("to", "a phone number in E.164 (or `recipient`, a business-scoped user id) is required"))
        case (.some, .some):
            errors.append(FieldError("recipient", "give either `to` or `recipient`, not both"))
        case (let to?, nil):
            let number = to.hasPrefix("+") ? to : "+" + to
            if E164.isValid(number) { recipient = .phone(String(number.dropFirst())) } else {
                errors.append(FieldError("to", "must be a phone number in E.164, like +14155550123"))
            }
        case (nil, let id?):
            if id.isEmpty || id.count > 256 { errors.append(FieldError("recipient", "must be 1 to 256 characters")) } else {
                recipient = .userID(id)
            }
        }

        object["messaging_product"] = .string("whatsapp")
        // The recipient only has to satisfy the library's check here; the dispatcher sets the real one.
        object["to"] = .string("0")
        var message: OutgoingMessage?
        do {
            message = try JSONDecoder().decode(OutgoingMessage.self, from: JSONEncoder().encode(JSONValue.object(object)))
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.last?.stringValue == "type" {
                errors.append(FieldError("type", "must be one of \(contentFields.subtracting(["type"]).sorted().joined(separator: ", ")), with the object of that type"))
            } else {
                errors.append(contentsOf: JSONInput.problem(for: error).errors ?? [FieldError("type", "the content is not valid")])
            }
        }
        if let message {
            errors.append(contentsOf: message.violations().filter { $0.path != "to" }.map { FieldError($0.path, $0.message) })
            errors.append(contentsOf: KnownTemplates.violations(of: message))
        }
        guard errors.isEmpty, let recipient, var message else { throw Problem.validation(errors) }
        switch recipient {
        case .phone(let digits): message.to = digits
        case .userID(let id): message.to = nil; message.recipient = id
        }
        return SendMessageInput(recipient: recipient, message: message, replyTo: replyTo, accountID: accountID, agentID: agentID)
    }

    /// Any JSON object whose top-level keys are ours or the Cloud API's content keys.
    struct RawBody: APIInput {
        static let fields = SendMessageInput.ownFields.union(SendMessageInput.contentFields)
        var object: [String: JSONValue]
        init(from decoder: Decoder) throws {
            object = try decoder.singleValueContainer().decode([String: JSONValue].self)
        }
    }
}

/// Templates whose parameters are known without asking Meta: every number has Meta's `hello_world` (en_US, no
/// parameters). Other templates are checked by Meta when sent (132000 fails the message with Meta's reason).
enum KnownTemplates {
    static func violations(of message: OutgoingMessage) -> [FieldError] {
        guard case .template(let template) = message.content, template.name == "hello_world" else { return [] }
        guard template.components.isEmpty else {
            return [FieldError("template.components", "hello_world takes no parameters; send it without components")]
        }
        if template.language.code != "en_US" { return [FieldError("template.language.code", "hello_world exists in en_US only")] }
        return []
    }
}
