import Foundation
import Vapor
import WhatsAppCloud

/// A Graph API error answer: the HTTP status and Meta's envelope
/// `{"error":{"message":"(#code) title","type","code","error_data":{"messaging_product","details"},"fbtrace_id"}}`.
struct GraphFailure: Error {
    var status: HTTPResponseStatus
    var error: GraphError

    /// The code's usual title, HTTP status and transience from `catalog`, with `details` in `error_data`.
    init(_ code: Int, _ details: String, subcode: Int? = nil) {
        let entry = Self.catalog[code] ?? (title: "Unknown error", status: .badRequest, transient: false)
        status = entry.status
        error = GraphError(
            code: code, message: "(#\(code)) \(entry.title)", type: "OAuthException",
            errorSubcode: subcode, errorData: .init(messagingProduct: "whatsapp", details: details),
            fbtraceID: Self.traceID(), isTransient: entry.transient ? true : nil)
        if code == 190 {
            // Token errors carry no `error_data`, as Meta sends them.
            error.message = "Invalid OAuth access token - \(details)"
            error.errorData = nil
        }
    }

    /// The code's title without the `(#code)` prefix, as webhook errors carry it.
    var title: String { Self.catalog[error.code]?.title ?? "Unknown error" }

    /// An unknown id, or one the token may not see: Meta's `100`/subcode 33.
    static func unknownObject(_ id: String, method: HTTPMethod) -> GraphFailure {
        var failure = GraphFailure(100, "Object with ID '\(id)' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", subcode: 33)
        failure.error.message = "Unsupported \(method.rawValue.lowercased()) request. " + (failure.error.errorData?.details ?? "")
        return failure
    }

    /// Titles Meta gives these codes (see its error-code reference), with the HTTP status it answers.
    static let catalog: [Int: (title: String, status: HTTPResponseStatus, transient: Bool)] = [
        0: ("AuthException", .unauthorized, false),
        4: ("Application request limit reached", .badRequest, true),
        100: ("Invalid parameter", .badRequest, false),
        131000: ("Something went wrong", .internalServerError, true),
        131005: ("Access denied", .forbidden, false),
        131008: ("Required parameter is missing", .badRequest, false),
        131009: ("Parameter value is not valid", .badRequest, false),
        131016: ("Service unavailable", .serviceUnavailable, true),
        131021: ("Recipient cannot be sender", .badRequest, false),
        131026: ("Message undeliverable", .badRequest, false),
        131030: ("Recipient phone number not in allowed list", .badRequest, false),
        131031: ("Account has been locked", .badRequest, false),
        131042: ("Business eligibility payment issue", .badRequest, false),
        131047: ("Re-engagement message", .badRequest, false),
        131048: ("Spam rate limit hit", .badRequest, false),
        131049: ("This message was not delivered to maintain healthy ecosystem engagement", .badRequest, false),
        131050: ("Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business", .badRequest, false),
        131051: ("Unsupported message type", .badRequest, false),
        131052: ("Media download error", .badRequest, false),
        131053: ("Media upload error", .badRequest, false),
        131056: ("(Business Account, Consumer Account) pair rate limit hit", .badRequest, true),
        131057: ("Account in maintenance mode", .badRequest, true),
        130429: ("Rate limit hit", .tooManyRequests, true),
        130472: ("User's number is part of an experiment", .badRequest, false),
        132000: ("Number of parameters does not match the expected number of params", .badRequest, false),
        132001: ("Template name does not exist in the translation", .badRequest, false),
        132005: ("Translated text too long", .badRequest, false),
        132012: ("Parameter format does not match format in the created template", .badRequest, false),
        132015: ("Template is Paused", .badRequest, false),
        132016: ("Template is Disabled", .badRequest, false),
        133010: ("Account not registered", .badRequest, false),
        190: ("Error validating access token", .unauthorized, false),
        80007: ("Rate limit issues", .badRequest, true),
    ]

    /// Meta's trace ids are 27 URL-safe characters.
    static func traceID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return "A" + String((0..<26).map { _ in alphabet.randomElement()! })
    }

    func response() -> Response {
        let body = (try? JSONEncoder().encode(GraphError.Envelope(error: error))) ?? Data()
        return Response(status: status, headers: ["Content-Type": "application/json; charset=UTF-8"], body: .init(data: body))
    }
}
