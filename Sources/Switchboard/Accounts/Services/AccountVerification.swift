import AsyncHTTPClient
import Fluent
import Foundation
import Vapor
import WhatsAppCloud

/// Verifies an account against its provider: Meta (or the emulator) must know the phone number id and
/// accept the account's own token. It never borrows another account's credentials.
public struct AccountVerification: Sendable {
    let secrets: SecretStore
    let endpoints: ProviderEndpoints
    let httpClient: HTTPClient
    let clock: Clock
    let decisions: DecisionCache

    public func verify(_ id: UUID, context: AuditContext, db: Database, writer: Transactor) async throws -> AccountDTO {
        let account = try await AccountService.find(id, workspaceID: context.workspaceID, on: db)
        guard let baseURL = endpoints.graphBaseURL(for: account.provider), let phoneNumberID = account.phoneNumberID else {
            throw Problem(.unprocessableEntity, type: "not_verifiable", detail: "\(account.provider.rawValue) accounts are verified by connecting, not through the Graph API.")
        }
        guard let tokenID = account.accessTokenSecretID, let secret = try await StoredSecret.find(tokenID, on: db) else {
            throw Problem.validation([FieldError("accessToken", "is needed to verify the account")], detail: "The account has no access token.")
        }
        let client = GraphClient(httpClient: httpClient, accessToken: AccessToken(try secrets.reveal(secret)), baseURL: baseURL, timeout: .seconds(15))
        let outcome: Result<PhoneNumber, GraphClientError>
        do {
            outcome = .success(try await client.phoneNumber(id: phoneNumberID))
        } catch {
            outcome = .failure(error)
        }
        let time = clock.now()
        let dto = try await writer { db in
            let account = try await AccountService.find(id, workspaceID: context.workspaceID, on: db)
            let before = account.status
            switch outcome {
            case .success(let number):
                account.status = .active
                if account.displayPhoneNumber == nil, let display = number.displayPhoneNumber { account.displayPhoneNumber = display }
            case .failure(let error) where error.errorClass == .reauthorize && before == .active:
                account.status = .reauthRequired
            case .failure:
                break
            }
            account.refreshDerivedFields()
            account.updatedAt = time
            account.updatedBy = context.actor.label
            try await account.save(on: db)
            let verdict = VerificationAudit(status: account.status, graphErrorCode: outcome.failure?.graphError?.code)
            try await AuditLog.record(outcome.isSuccess ? "account.verified" : "account.verification_failed",
                                      target: ("whatsapp_account", id.uuidString), before: VerificationAudit(status: before, graphErrorCode: nil),
                                      after: verdict, context: context, at: time, on: db)
            return try await AccountService.render(account, on: db)
        }
        await decisions.invalidate(workspaceID: context.workspaceID, platform: dto.isPlatform)
        if case .failure(let error) = outcome {
            throw Problem(.unprocessableEntity, type: "verification_failed", title: "Verification failed",
                          detail: "The provider refused: \(error.graphError.map { "(#\($0.code)) \($0.message ?? "")" } ?? "it could not be reached"). The account stays \(dto.status.rawValue).")
        }
        return dto
    }
}

struct VerificationAudit: Encodable {
    var status: AccountStatus
    var graphErrorCode: Int?
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
