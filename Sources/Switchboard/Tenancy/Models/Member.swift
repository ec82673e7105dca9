import Fluent
import Foundation

/// A person who logs in; belongs to workspaces through memberships.
public final class Member: Model, @unchecked Sendable {
    public static let schema = "members"

    @ID(key: .id) public var id: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "name") public var name: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "is_platform_admin") public var isPlatformAdmin: Bool
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public init(id: UUID? = nil, email: String, name: String, passwordHash: String, isPlatformAdmin: Bool, at time: Date) {
        self.id = id
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
        self.isPlatformAdmin = isPlatformAdmin
        self.createdAt = time
        self.updatedAt = time
    }
}
