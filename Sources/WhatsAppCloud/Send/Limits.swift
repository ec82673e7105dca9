/// Meta's documented limits for send bodies, checked by `validate()` before a request leaves the gateway.
/// Lengths count user-perceived characters.
public enum SendLimits {
    public static let textBody = 4096
    public static let caption = 1024
    public static let interactiveBody = 1024
    public static let headerText = 60
    public static let footerText = 60
    public static let replyButtons = 3
    public static let buttonTitle = 20
    public static let buttonID = 256
    public static let listButton = 20
    public static let listSections = 10
    public static let listRows = 10
    public static let rowID = 200
    public static let rowTitle = 24
    public static let rowDescription = 72
    public static let sectionTitle = 24
    public static let ctaDisplayText = 20
    public static let flowCTA = 30
    public static let productItems = 30
    public static let contacts = 5
    public static let templateButtonIndex = 0...9
    public static let latitude = -90.0...90.0
    public static let longitude = -180.0...180.0
}

/// Every limit a send body breaks, found by `validate()`.
public struct SendValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var violations: [Violation]

    public init(violations: [Violation]) { self.violations = violations }

    /// One broken rule: where (a JSON path such as `interactive.action.buttons[3]`) and what.
    public struct Violation: Hashable, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String

        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }

        public var description: String { "\(path): \(message)" }
    }

    public var description: String { violations.map(\.description).joined(separator: "; ") }
}
