import Foundation

/// The routing candidates (accounts with their app secrets revealed) of phone number ids and business account ids,
/// kept so that a delivery costs neither a query nor a decryption. Creating or changing an account in this process
/// drops them all; entries also expire after `lifetime`, which bounds how long an account added by another process
/// goes unseen. A secret changed by another process never causes a wrong refusal: a signature that no cached secret
/// verifies is checked again against the database (`RoutingCandidates`).
public actor RoutingCandidateCache {
    private struct Entry {
        var candidates: [InboundRouting.Candidate]
        var stored: Date
    }

    private var byPhoneNumberID: [String: Entry] = [:]
    private var byBusinessAccountID: [String: Entry] = [:]
    /// Moves on every invalidation, so a lookup that raced one does not store what it read before it.
    private(set) var generation = 0
    private let lifetime: TimeInterval
    private let clock: Clock
    /// Unknown ids are kept too (as no candidates); this bounds what made-up ids can fill.
    static let maxEntries = 10_000

    public init(lifetime: TimeInterval = 5, clock: Clock) {
        self.lifetime = lifetime
        self.clock = clock
    }

    /// The candidates of all the names, each once; nil unless every name is cached and fresh.
    func candidates(for names: InboundRouting.Names) -> [InboundRouting.Candidate]? {
        let now = clock.now()
        var found: [InboundRouting.Candidate] = []
        var seen = Set<UUID>()
        for (ids, entries) in [(names.phoneNumberIDs, byPhoneNumberID), (names.entryIDs, byBusinessAccountID)] {
            for id in ids {
                guard let entry = entries[id], now.timeIntervalSince(entry.stored) < lifetime else { return nil }
                for candidate in entry.candidates where seen.insert(candidate.accountID).inserted { found.append(candidate) }
            }
        }
        return found
    }

    /// Keeps what a lookup of `names` found, unless an account changed since it started (at `generation`).
    func store(_ candidates: [InboundRouting.Candidate], for names: InboundRouting.Names, generation: Int) {
        guard generation == self.generation else { return }
        if byPhoneNumberID.count + byBusinessAccountID.count + names.count > Self.maxEntries {
            byPhoneNumberID.removeAll()
            byBusinessAccountID.removeAll()
        }
        let now = clock.now()
        for id in names.phoneNumberIDs {
            byPhoneNumberID[id] = Entry(candidates: candidates.filter { $0.phoneNumberID == id }, stored: now)
        }
        for id in names.entryIDs {
            byBusinessAccountID[id] = Entry(candidates: candidates.filter { $0.businessAccountID == id }, stored: now)
        }
    }

    /// Drops everything: an account was created, or its numbers or app secret changed.
    public func invalidate() {
        generation &+= 1
        byPhoneNumberID.removeAll()
        byBusinessAccountID.removeAll()
    }
}
