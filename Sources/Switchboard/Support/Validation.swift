import Foundation

/// Email addresses as Switchboard stores them: trimmed and lower-cased.
public enum EmailAddress {
    public static func normalize(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// A pragmatic check: one `@`, a dot in the domain, no spaces, at most 254 characters.
    public static func isValid(_ raw: String) -> Bool {
        let value = normalize(raw)
        guard value.count <= 254, !value.contains(where: { $0.isWhitespace || $0.isNewline }) else { return false }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return true
    }
}

public enum PasswordPolicy {
    public static let minimumLength = 12
    /// bcrypt reads at most 72 bytes; longer passwords would be silently truncated.
    public static let maximumLength = 72
    public static func isAcceptable(_ password: String) -> Bool {
        (minimumLength...maximumLength).contains(password.count) && password.utf8.count <= 72
    }
}

/// Collects field errors while checking an input, so one response names every wrong field.
public struct FieldChecks {
    public private(set) var errors: [FieldError] = []
    public init() {}

    public mutating func fail(_ field: String, _ message: String) {
        errors.append(FieldError(field, message))
    }

    /// Trims a required string and checks its length; returns the trimmed value.
    @discardableResult
    public mutating func text(_ field: String, _ value: String?, min: Int = 1, max: Int, required: Bool = true) -> String? {
        guard let value else {
            if required { fail(field, "is required") }
            return nil
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count < min { fail(field, min <= 1 ? "must not be empty" : "must be at least \(min) characters") }
        else if trimmed.count > max { fail(field, "must be at most \(max) characters") }
        return trimmed
    }

    public func check() throws(Problem) {
        if !errors.isEmpty { throw Problem.validation(errors) }
    }
}
