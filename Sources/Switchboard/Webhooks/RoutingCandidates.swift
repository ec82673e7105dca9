import Fluent
import Foundation

/// The accounts a delivery names whose app secret verifies its signature: from the cache when a cached secret
/// verifies it, otherwise from the database, so an app secret changed by another process is never refused.
struct RoutingCandidates: Sendable {
    var cache: RoutingCandidateCache
    var secrets: SecretStore

    /// The verified candidates; empty when no account's app secret verifies `signature` over `body`.
    func verified(body: Data, signature: String, names: InboundRouting.Names, on db: Database) async throws -> [InboundRouting.Candidate] {
        if let cached = await cache.candidates(for: names) {
            let verified = Self.verified(body: body, signature: signature, among: cached)
            if !verified.isEmpty { return verified }
        }
        let generation = await cache.generation
        let candidates = try await read(names, on: db)
        await cache.store(candidates, for: names, generation: generation)
        return Self.verified(body: body, signature: signature, among: candidates)
    }

    private static func verified(body: Data, signature: String, among candidates: [InboundRouting.Candidate]) -> [InboundRouting.Candidate] {
        guard case .verified(let ids) = InboundRouting.verify(body: body, header: signature, candidates: candidates) else { return [] }
        return candidates.filter { ids.contains($0.accountID) }
    }

    /// Accounts that own a number or business account the delivery names and have an app secret, with it revealed.
    private func read(_ names: InboundRouting.Names, on db: Database) async throws -> [InboundRouting.Candidate] {
        guard names.count > 0 else { return [] }
        let accounts = try await WhatsAppAccount.query(on: db)
            .group(.or) { or in
                if !names.phoneNumberIDs.isEmpty { or.filter(\.$phoneNumberID ~~ Array(names.phoneNumberIDs)) }
                if !names.entryIDs.isEmpty { or.filter(\.$businessAccountID ~~ Array(names.entryIDs)) }
            }
            .filter(\.$appSecretSecretID != nil)
            .all()
        let secretIDs = accounts.compactMap(\.appSecretSecretID)
        guard !secretIDs.isEmpty else { return [] }
        let stored = try await StoredSecret.query(on: db).filter(\.$id ~~ secretIDs).all().byID
        return try accounts.compactMap { account in
            guard let secretID = account.appSecretSecretID, let secret = stored[secretID] else { return nil }
            return InboundRouting.Candidate(accountID: try account.requireID(), workspaceID: account.workspaceID,
                                            phoneNumberID: account.phoneNumberID, businessAccountID: account.businessAccountID,
                                            appSecret: try secrets.reveal(secret))
        }
    }
}
