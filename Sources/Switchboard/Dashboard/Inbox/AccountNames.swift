import Fluent
import Foundation

/// Account names by id, to show which account a conversation is on and each message went through. Not filtered by
/// workspace: the ids come from the workspace's own rows, and one may be the shared platform account, which a
/// workspace that opted in sees by name (as on its settings page).
enum AccountNames {
    static func of(_ ids: [UUID], on db: Database) async throws -> [UUID: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        let accounts = try await WhatsAppAccount.query(on: db).filter(\.$id ~~ unique).all()
        return Dictionary(uniqueKeysWithValues: accounts.compactMap { account in account.id.map { ($0, account.name) } })
    }
}
