import Foundation

/// What a message is for: a conversation with a contact, or a notification to the workspace's alert recipients.
public enum SendPurpose: String, Codable, CaseIterable, Sendable {
    case conversation, notification
}

/// The facts about one account that choosing needs; a plain value, so the choice is testable without a database.
public struct AccountCandidate: Sendable, Equatable {
    public var id: UUID
    public var workspaceID: UUID
    public var name: String
    public var provider: AccountProvider
    public var phoneNumberID: String?
    public var displayPhoneNumber: String?
    public var isActive: Bool
    public var status: AccountStatus
    public var isDefault: Bool
    public var isPlatform: Bool
    public var ownerMemberID: UUID?
    public var createdAt: Date

    public init(id: UUID, workspaceID: UUID, name: String, provider: AccountProvider = .cloudAPI, phoneNumberID: String? = nil,
                displayPhoneNumber: String? = nil, isActive: Bool = true, status: AccountStatus = .active, isDefault: Bool = false,
                isPlatform: Bool = false, ownerMemberID: UUID? = nil, createdAt: Date = Date(timeIntervalSince1970: 0)) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.provider = provider
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
        self.isActive = isActive
        self.status = status
        self.isDefault = isDefault
        self.isPlatform = isPlatform
        self.ownerMemberID = ownerMemberID
        self.createdAt = createdAt
    }

    /// Why this account cannot send now, or nil when it can.
    var unusableReason: String? {
        if !isActive { return "the account is inactive" }
        switch status {
        case .active: return nil
        case .pendingVerification: return "the account is not verified yet"
        case .reauthRequired: return "the account needs re-authorisation"
        case .disconnected: return "the account is disconnected"
        }
    }
}

/// What is asked: who sends, for what, and any explicit wishes.
public struct ResolutionRequest: Sendable, Hashable {
    public var workspaceID: UUID
    public var purpose: SendPurpose
    /// The account of the conversation a reply continues.
    public var conversationAccountID: UUID?
    public var accountID: UUID?
    public var agentID: UUID?

    public init(workspaceID: UUID, purpose: SendPurpose = .conversation, conversationAccountID: UUID? = nil, accountID: UUID? = nil, agentID: UUID? = nil) {
        self.workspaceID = workspaceID
        self.purpose = purpose
        self.conversationAccountID = conversationAccountID
        self.accountID = accountID
        self.agentID = agentID
    }
}

/// The accounts each step could take, as loaded for one request.
public struct ResolutionCandidates: Sendable {
    public var conversationAccount: AccountCandidate?
    public var explicitAccount: AccountCandidate?
    public var agentAccounts: [AccountCandidate] = []
    public var platformAccount: AccountCandidate?
    public var usesPlatformAccount = false
    public var defaultAccount: AccountCandidate?
    /// Usable accounts of the workspace, oldest first (the default excluded).
    public var fallbackAccounts: [AccountCandidate] = []

    public init() {}
}

public struct ResolutionStep: Codable, Sendable, Equatable {
    public enum Name: String, Codable, Sendable { case conversation, explicit, agent, platform, `default`, fallback }
    public enum Outcome: String, Codable, Sendable { case taken, notApplicable = "not_applicable", unusable, missing }

    public var step: Name
    public var outcome: Outcome
    public var reason: String
}

public struct Decision: Sendable, Equatable {
    public var account: AccountCandidate?
    public var steps: [ResolutionStep]
    public var takenStep: ResolutionStep.Name? { steps.first { $0.outcome == .taken }?.step }
}

/// Chooses the sending account in the one documented order (DESIGN.md, "Choosing the sending account"):
/// the conversation's account, an explicit account, the assigned agent's personal account, the platform account
/// if the workspace opted in, the default, the oldest other usable account; otherwise none, with every reason.
/// It never returns another workspace's account, nor the platform account to a workspace that has not opted in.
public enum AccountResolver {
    public static func resolve(_ request: ResolutionRequest, _ candidates: ResolutionCandidates) -> Decision {
        var steps: [ResolutionStep] = []

        /// Whether this workspace may send through the account at all.
        func allowed(_ account: AccountCandidate) -> String? {
            if account.workspaceID == request.workspaceID { return nil }
            if account.isPlatform && candidates.usesPlatformAccount { return nil }
            if account.isPlatform { return "the workspace has not switched on the platform account" }
            return "no such account in this workspace"
        }

        func consider(_ name: ResolutionStep.Name, _ account: AccountCandidate?, missing: String) -> AccountCandidate? {
            guard let account else {
                steps.append(.init(step: name, outcome: .missing, reason: missing))
                return nil
            }
            if let refusal = allowed(account) ?? account.unusableReason {
                steps.append(.init(step: name, outcome: .unusable, reason: "\(account.name): \(refusal)"))
                return nil
            }
            steps.append(.init(step: name, outcome: .taken, reason: "\(account.name) is usable"))
            return account
        }

        func skip(_ name: ResolutionStep.Name, _ reason: String) {
            steps.append(.init(step: name, outcome: .notApplicable, reason: reason))
        }

        // 1. A reply continues where its conversation is.
        if request.purpose == .notification {
            skip(.conversation, "notifications are not replies")
        } else if request.conversationAccountID == nil {
            skip(.conversation, "not a reply")
        } else if let account = consider(.conversation, candidates.conversationAccount, missing: "the conversation's account no longer exists") {
            return Decision(account: account, steps: steps)
        }

        // 2. An explicit account.
        if request.accountID == nil {
            skip(.explicit, "no accountId given")
        } else if let account = consider(.explicit, candidates.explicitAccount, missing: "no such account in this workspace") {
            return Decision(account: account, steps: steps)
        }

        // 3. The assigned agent's connected personal number.
        if request.purpose == .notification {
            skip(.agent, "notifications do not go out on personal numbers")
        } else if request.agentID == nil {
            skip(.agent, "no agent assigned")
        } else {
            let own = candidates.agentAccounts.filter { $0.workspaceID == request.workspaceID && $0.ownerMemberID == request.agentID }
            if let usable = own.first(where: { $0.unusableReason == nil }) {
                steps.append(.init(step: .agent, outcome: .taken, reason: "\(usable.name) is the agent's connected number"))
                return Decision(account: usable, steps: steps)
            }
            if let first = own.first {
                steps.append(.init(step: .agent, outcome: .unusable, reason: "\(first.name): \(first.unusableReason ?? "unusable")"))
            } else {
                steps.append(.init(step: .agent, outcome: .missing, reason: "the agent has no personal number"))
            }
        }

        // 4. The platform account, only when switched on.
        if !candidates.usesPlatformAccount {
            skip(.platform, "the workspace has not switched on the platform account")
        } else if let account = consider(.platform, candidates.platformAccount, missing: "no platform account is configured") {
            return Decision(account: account, steps: steps)
        }

        // 5. The default, then the oldest other usable account of the same workspace.
        if let account = consider(.default, candidates.defaultAccount, missing: "the workspace has no default account") {
            return Decision(account: account, steps: steps)
        }
        let fallback = candidates.fallbackAccounts.first { $0.workspaceID == request.workspaceID && $0.unusableReason == nil && !$0.isDefault }
        if let account = consider(.fallback, fallback, missing: "no other usable account in the workspace") {
            return Decision(account: account, steps: steps)
        }
        // 6. Nothing: the steps say why.
        return Decision(account: nil, steps: steps)
    }
}

extension AccountCandidate {
    init(_ account: WhatsAppAccount) throws {
        self.init(id: try account.requireID(), workspaceID: account.workspaceID, name: account.name, provider: account.provider,
                  phoneNumberID: account.phoneNumberID, displayPhoneNumber: account.displayPhoneNumber, isActive: account.isActive,
                  status: account.status, isDefault: account.isDefault, isPlatform: account.isPlatform,
                  ownerMemberID: account.ownerMemberID, createdAt: account.createdAt)
    }
}
