import Fluent
import Foundation

/// One customer of the platform: the isolation key of every tenant-owned row.
public final class Workspace: Model, @unchecked Sendable {
    public static let schema = "workspaces"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "slug") public var slug: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public init(id: UUID? = nil, name: String, slug: String, at time: Date) {
        self.id = id
        self.name = name
        self.slug = slug
        self.createdAt = time
        self.updatedAt = time
    }
}
