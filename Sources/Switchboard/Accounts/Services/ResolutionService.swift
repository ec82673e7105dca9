import Fluent
import Foundation

/// Loads what each resolution step could take, with one small query per step, and asks the resolver.
public struct ResolutionService: Sendable {
    let cache: DecisionCache

    public func decide(_ request: ResolutionRequest, on db: Database) async throws -> Decision {
        if let cached = await cache.decision(for: request) { return cached }
        let decision = AccountResolver.resolve(request, try await Self.candidates(for: request, on: db))
        await cache.store(decision, for: request)
        return decision
    }

    static func candidates(for request: ResolutionRequest, on db: Database) async throws -> ResolutionCandidates {
        var candidates = ResolutionCandidates()
        let workspace = request.workspaceID
        func one(_ id: UUID?) async throws -> AccountCandidate? {
            guard let id, let account = try await WhatsAppAccount.find(id, on: db) else { return nil }
            return try AccountCandidate(account)
        }
        candidates.usesPlatformAccount = try await WhatsAppSettings.query(on: db).filter(\.$workspaceID == workspace).first()?.usePlatformAccount ?? false
        if let platform = try await WhatsAppAccount.query(on: db).filter(\.$isPlatform == true).first() {
            candidates.platformAccount = try AccountCandidate(platform)
        }
        candidates.conversationAccount = try await one(request.conversationAccountID)
        // An explicit id of another workspace is as good as missing, unless it is the platform account.
        if let explicit = try await one(request.accountID), explicit.workspaceID == workspace || explicit.isPlatform {
            candidates.explicitAccount = explicit
        }
        if let agent = request.agentID {
            candidates.agentAccounts = try await WhatsAppAccount.query(on: db).filter(\.$workspaceID == workspace)
                .filter(\.$ownerMemberID == agent).sort(\.$createdAt).limit(10).all().map(AccountCandidate.init)
        }
        if let defaultAccount = try await WhatsAppAccount.query(on: db).filter(\.$workspaceID == workspace).filter(\.$isDefault == true).first() {
            candidates.defaultAccount = try AccountCandidate(defaultAccount)
        }
        candidates.fallbackAccounts = try await WhatsAppAccount.query(on: db).filter(\.$workspaceID == workspace)
            .filter(\.$isActive == true).filter(\.$status == .active).filter(\.$isDefault == false).filter(\.$ownerType == .workspace)
            .sort(\.$createdAt).sort(\.$id).limit(1).all().map(AccountCandidate.init)
        return candidates
    }
}

/// The resolver's answer as the API shows it. The platform account appears by name and number only.
public struct DecisionDTO: Codable, Sendable, Equatable {
    public struct Account: Codable, Sendable, Equatable {
        public var id: UUID
        public var name: String
        public var provider: AccountProvider
        public var phoneNumberId: String?
        public var displayPhoneNumber: String?
        public var isPlatform: Bool
    }

    public var account: Account?
    public var step: ResolutionStep.Name?
    public var steps: [ResolutionStep]

    public init(_ decision: Decision) {
        account = decision.account.map {
            Account(id: $0.id, name: $0.name, provider: $0.provider, phoneNumberId: $0.phoneNumberID,
                    displayPhoneNumber: $0.displayPhoneNumber, isPlatform: $0.isPlatform)
        }
        step = decision.takenStep
        steps = decision.steps
    }
}
