import Foundation
import WhatsAppCloud

/// Which accounts a delivery's changes belong to: plain functions over ids and secrets, tested without a server.
enum InboundRouting {
    /// The ids a delivery names: the phone number ids and business account (entry) ids whose accounts may own it.
    struct Names: Equatable, Sendable {
        var phoneNumberIDs: Set<String>
        var entryIDs: Set<String>

        var count: Int { phoneNumberIDs.count + entryIDs.count }
    }

    /// The names of a delivery that decoded: exactly the ids `owners` routes by, so nothing is parsed twice.
    static func names(in payload: WebhookPayload) -> Names {
        var names = Names(phoneNumberIDs: [], entryIDs: [])
        for entry in payload.entry {
            names.entryIDs.insert(entry.id)
            for change in entry.changes {
                if let id = phoneNumberID(of: change) { names.phoneNumberIDs.insert(id) }
            }
        }
        return names
    }

    /// The names of a body that does not decode, found without trusting it to parse: every
    /// `"phone_number_id":"..."` string, and the `entry[].id` values when the body is JSON.
    static func names(in body: Data) -> Names {
        var phoneNumberIDs = Set<String>()
        let text = String(decoding: body, as: UTF8.self)
        if let regex = try? NSRegularExpression(pattern: #""phone_number_id"\s*:\s*"([^"\\]{1,64})""#) {
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { phoneNumberIDs.insert(String(text[range])) }
            }
        }
        var entryIDs = Set<String>()
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
           let entries = object["entry"] as? [[String: Any]] {
            for entry in entries {
                if let id = entry["id"] as? String { entryIDs.insert(id) }
                else if let id = entry["id"] as? NSNumber { entryIDs.insert(id.stringValue) }
            }
        }
        return Names(phoneNumberIDs: phoneNumberIDs, entryIDs: entryIDs)
    }

    /// An account that might own a delivery's changes, with its app secret.
    struct Candidate: Sendable {
        var accountID: UUID
        var workspaceID: UUID
        var phoneNumberID: String?
        var businessAccountID: String?
        var appSecret: String
    }

    enum Verdict: Equatable {
        /// No signature header (401).
        case missing
        /// No candidate's secret verifies the signature (403).
        case refused
        /// The accounts whose app secret verifies the body.
        case verified(Set<UUID>)
    }

    static func verify(body: Data, header: String?, candidates: [Candidate]) -> Verdict {
        guard let header, !header.isEmpty else { return .missing }
        let verified = candidates.filter {
            WebhookSignature.verify(body: body, header: header, appSecret: $0.appSecret) == .valid
        }
        return verified.isEmpty ? .refused : .verified(Set(verified.map(\.accountID)))
    }

    /// The verified accounts a change belongs to. A change carrying `metadata.phone_number_id` belongs to every
    /// verified account with that number (a number may be registered in several workspaces, each getting its
    /// own copy); a change without one (account, template and quality updates) to the verified accounts whose
    /// business account id is the entry id. Empty: unrouted.
    static func owners(phoneNumberID: String?, entryID: String, verified: [Candidate]) -> [Candidate] {
        if let phoneNumberID {
            return verified.filter { $0.phoneNumberID == phoneNumberID }
        }
        return verified.filter { $0.businessAccountID == entryID }
    }

    /// `value.metadata.phone_number_id` of a change, whatever its field.
    static func phoneNumberID(of change: Change) -> String? {
        change.rawValue["metadata"]?["phone_number_id"]?.stringValue
    }
}
