import Fluent

extension V1 {
    /// Memberships give a member a role in a workspace; one per pair.
    struct CreateMemberships: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("memberships")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("member_id", .uuid, .required, .references("members", "id"))
                .field("role", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "workspace_id", "member_id", name: "uq_memberships_workspace_member")
                .create()
            try await database.createIndex("ix_memberships_member", on: "memberships", ["member_id"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("memberships").delete()
        }
    }
}
