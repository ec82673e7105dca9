import Fluent

extension V1 {
    /// Workspaces are the tenants; the slug is how people and the CLI name one.
    struct CreateWorkspaces: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("workspaces")
                .id()
                .field("name", .string, .required)
                .field("slug", .string, .required)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .unique(on: "slug", name: "uq_workspaces_slug")
                .create()
        }

        func revert(on database: Database) async throws {
            try await database.schema("workspaces").delete()
        }
    }
}
