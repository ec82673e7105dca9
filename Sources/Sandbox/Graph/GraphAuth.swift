import Vapor

/// Which objects a bearer token may use: a number's tokens open the number, its WABA and its media.
/// A missing or unknown token is 190 (HTTP 401); a known token asking for an object it can't see gets
/// Meta's "does not exist, cannot be loaded due to missing permissions" (100, subcode 33).
struct GraphAuth {
    let state: SandboxState
    let request: Request

    private func token() async throws(GraphFailure) -> String {
        guard let token = request.headers.bearerAuthorization?.token, !token.isEmpty else {
            throw GraphFailure(190, "An active access token must be used to query information.")
        }
        guard await state.isKnownToken(token) else { throw GraphFailure(190, "Cannot parse access token") }
        return token
    }

    func number(_ id: String) async throws(GraphFailure) -> SandboxNumber {
        let token = try await token()
        guard let number = await state.number(id), number.accessTokens.contains(token) else {
            throw GraphFailure.unknownObject(id, method: request.method)
        }
        return number
    }

    /// The WABA's numbers (at least one, else the WABA is unknown to this token).
    func waba(_ id: String) async throws(GraphFailure) -> [SandboxNumber] {
        let token = try await token()
        let numbers = await state.numbers(inWABA: id)
        guard numbers.contains(where: { $0.accessTokens.contains(token) }) else {
            throw GraphFailure.unknownObject(id, method: request.method)
        }
        return numbers
    }

    func media(_ id: String) async throws(GraphFailure) -> StoredMedia {
        let token = try await token()
        guard let media = await state.media(id), await state.number(media.phoneNumberId)?.accessTokens.contains(token) == true else {
            throw GraphFailure.unknownObject(id, method: request.method)
        }
        return media
    }
}

