import Foundation
import Vapor

/// Who is making a request, and in which workspace. The workspace comes from the credential only.
public struct Principal: Sendable {
    public enum Actor: Sendable, Equatable {
        case member(id: UUID, email: String)
        case apiKey(id: UUID, name: String)
        case system(String)

        var type: String {
            switch self {
            case .member: "member"
            case .apiKey: "api_key"
            case .system: "system"
            }
        }
        var id: String? {
            switch self {
            case .member(let id, _), .apiKey(let id, _): id.uuidString
            case .system: nil
            }
        }
        var label: String {
            switch self {
            case .member(_, let email): email
            case .apiKey(_, let name): name
            case .system(let name): name
            }
        }
    }

    public var actor: Actor
    public var workspaceID: UUID
    public var role: Role
    public var isPlatformAdmin: Bool

    public func has(_ permission: Permission) -> Bool {
        permission.isGranted(role: role, isPlatformAdmin: isPlatformAdmin)
    }

    /// The single check every route goes through.
    public func require(_ permission: Permission) throws(Problem) {
        guard has(permission) else { throw Problem.forbidden }
    }
}

struct PrincipalKey: StorageKey { typealias Value = Principal }

extension Request {
    /// The authenticated principal; routes behind the API or dashboard guard always have one.
    public var principal: Principal {
        get throws(Problem) {
            guard let principal = storage[PrincipalKey.self] else { throw Problem.unauthorized }
            return principal
        }
    }

    /// Actor, workspace and request id, for the audit log.
    public var auditContext: AuditContext {
        get throws(Problem) {
            let principal = try self.principal
            return AuditContext(actor: principal.actor, workspaceID: principal.workspaceID, requestID: id)
        }
    }
}
