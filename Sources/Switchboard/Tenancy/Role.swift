/// A member's (or an API key's) role in a workspace, from the most to the least powerful.
public enum Role: String, Codable, CaseIterable, Sendable, Comparable {
    case owner, admin, manager, agent

    private var rank: Int {
        switch self {
        case .owner: 3
        case .admin: 2
        case .manager: 1
        case .agent: 0
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// What a route needs. Every `/api/v1` route and dashboard action declares one; `Authorization` checks it in one place.
public enum Permission: String, Sendable, CaseIterable {
    /// Agents and up.
    case read
    /// Agents and up: sending messages and working the inbox (read, archive, block).
    case message
    /// Managers, admins and owners.
    case write
    /// Owners: members and API keys.
    case manageAccess
    /// Platform admins: the installation.
    case platform

    /// Whether a principal with this role and platform flag holds the permission.
    public func isGranted(role: Role, isPlatformAdmin: Bool) -> Bool {
        switch self {
        case .read, .message: true
        case .write: role >= .manager
        case .manageAccess: role == .owner
        case .platform: isPlatformAdmin
        }
    }

    /// The least role that holds the permission (platform needs the installation flag instead).
    public var minimumRole: Role? {
        switch self {
        case .read, .message: .agent
        case .write: .manager
        case .manageAccess: .owner
        case .platform: nil
        }
    }
}
