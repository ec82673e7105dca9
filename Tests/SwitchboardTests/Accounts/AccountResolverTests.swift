import Foundation
@testable import Switchboard
import Testing

@Suite("Choosing the sending account")
struct AccountResolverTests {
    static let workspace = UUID()
    static let other = UUID()
    static let agent = UUID()

    static func account(_ name: String, workspace: UUID = workspace, active: Bool = true, status: AccountStatus = .active,
                        isDefault: Bool = false, platform: Bool = false, owner: UUID? = nil, age: TimeInterval = 0) -> AccountCandidate {
        AccountCandidate(id: UUID(), workspaceID: workspace, name: name, isActive: active, status: status, isDefault: isDefault,
                         isPlatform: platform, ownerMemberID: owner, createdAt: Date(timeIntervalSince1970: 1000 - age))
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var request: ResolutionRequest
        var candidates: ResolutionCandidates
        var expected: String?
        var step: ResolutionStep.Name?
        var testDescription: String { name }
    }

    static let unusableStates: [(String, Bool, AccountStatus)] = [
        ("inactive", false, .active), ("unverified", true, .pendingVerification),
        ("needs re-authorisation", true, .reauthRequired), ("disconnected", true, .disconnected),
    ]

    static var cases: [Case] {
        var cases: [Case] = []
        func make(_ name: String, _ request: ResolutionRequest = ResolutionRequest(workspaceID: workspace),
                  expected: String?, step: ResolutionStep.Name?, _ build: (inout ResolutionCandidates) -> Void) {
            var candidates = ResolutionCandidates()
            build(&candidates)
            cases.append(Case(name: name, request: request, candidates: candidates, expected: expected, step: step))
        }
        let conversationID = UUID(), explicitID = UUID()
        make("1. a reply continues on its conversation's account",
             ResolutionRequest(workspaceID: workspace, conversationAccountID: conversationID, accountID: explicitID),
             expected: "convo", step: .conversation) {
            $0.conversationAccount = account("convo"); $0.explicitAccount = account("explicit"); $0.defaultAccount = account("default", isDefault: true)
        }
        make("2. an explicit account wins over the default", ResolutionRequest(workspaceID: workspace, accountID: explicitID),
             expected: "explicit", step: .explicit) {
            $0.explicitAccount = account("explicit"); $0.defaultAccount = account("default", isDefault: true)
        }
        make("2. another workspace's explicit account is refused", ResolutionRequest(workspaceID: workspace, accountID: explicitID),
             expected: "default", step: .default) {
            $0.explicitAccount = account("theirs", workspace: other); $0.defaultAccount = account("default", isDefault: true)
        }
        make("3. the assigned agent's connected number", ResolutionRequest(workspaceID: workspace, agentID: agent),
             expected: "agent phone", step: .agent) {
            $0.agentAccounts = [account("agent phone", owner: agent)]; $0.defaultAccount = account("default", isDefault: true)
        }
        make("3. a disconnected agent number falls through", ResolutionRequest(workspaceID: workspace, agentID: agent),
             expected: "default", step: .default) {
            $0.agentAccounts = [account("agent phone", status: .disconnected, owner: agent)]; $0.defaultAccount = account("default", isDefault: true)
        }
        make("3. notifications never use personal numbers", ResolutionRequest(workspaceID: workspace, purpose: .notification, agentID: agent),
             expected: "default", step: .default) {
            $0.agentAccounts = [account("agent phone", owner: agent)]; $0.defaultAccount = account("default", isDefault: true)
        }
        make("4. the platform account when switched on", expected: "platform", step: .platform) {
            $0.usesPlatformAccount = true; $0.platformAccount = account("platform", workspace: other, platform: true)
            $0.defaultAccount = account("default", isDefault: true)
        }
        make("4. never the platform account when switched off", expected: "default", step: .default) {
            $0.platformAccount = account("platform", workspace: other, platform: true); $0.defaultAccount = account("default", isDefault: true)
        }
        make("4. an explicit platform account is refused when switched off", ResolutionRequest(workspaceID: workspace, accountID: explicitID),
             expected: nil, step: nil) {
            $0.explicitAccount = account("platform", workspace: other, platform: true)
        }
        make("5. the default", expected: "default", step: .default) {
            $0.defaultAccount = account("default", isDefault: true); $0.fallbackAccounts = [account("older", age: 50)]
        }
        make("5. the oldest usable account when there is no default", expected: "older", step: .fallback) {
            $0.fallbackAccounts = [account("older", age: 50), account("newer")]
        }
        for (state, active, status) in unusableStates {
            make("5. a default that is \(state) falls back", expected: "fallback", step: .fallback) {
                $0.defaultAccount = account("default", active: active, status: status, isDefault: true); $0.fallbackAccounts = [account("fallback")]
            }
            make("2. an explicit account that is \(state) is not taken", ResolutionRequest(workspaceID: workspace, accountID: explicitID),
                 expected: "default", step: .default) {
                $0.explicitAccount = account("explicit", active: active, status: status); $0.defaultAccount = account("default", isDefault: true)
            }
            make("4. a platform account that is \(state) is not taken", expected: "default", step: .default) {
                $0.usesPlatformAccount = true; $0.platformAccount = account("platform", workspace: other, active: active, status: status, platform: true)
                $0.defaultAccount = account("default", isDefault: true)
            }
        }
        make("5. another workspace's accounts are never a fallback", expected: nil, step: nil) {
            $0.fallbackAccounts = [account("theirs", workspace: other)]
        }
        make("6. nothing usable: no account, with every reason", expected: nil, step: nil) { _ in }
        return cases
    }

    @Test("each step and each unusable state", arguments: cases)
    func resolve(_ c: Case) {
        let decision = AccountResolver.resolve(c.request, c.candidates)

        #expect(decision.account?.name == c.expected)
        #expect(decision.takenStep == c.step)
        if let account = decision.account {
            #expect(account.workspaceID == c.request.workspaceID || (account.isPlatform && c.candidates.usesPlatformAccount))
        } else {
            #expect(decision.steps.count == 6, "every step says why: \(decision.steps)")
        }
    }
}
