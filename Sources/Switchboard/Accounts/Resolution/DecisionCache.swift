import Foundation

/// Sending decisions, cached per workspace. Any change to a workspace's accounts or settings drops its
/// decisions; a change to the platform account drops everyone's. Entries also expire after `lifetime`,
/// which bounds how stale another node's cache can be (invalidation is per process).
public actor DecisionCache {
    private struct Entry {
        var decision: Decision
        var generation: Generation
        var stored: Date
    }

    private var entries: [ResolutionRequest: Entry] = [:]
    private var generations: [UUID: Int] = [:]
    private var platformGeneration = 0
    private let lifetime: TimeInterval
    private let clock: Clock

    public init(lifetime: TimeInterval = 5, clock: Clock) {
        self.lifetime = lifetime
        self.clock = clock
    }

    private struct Generation: Equatable {
        var workspace: Int
        var platform: Int
    }

    private func generation(_ workspaceID: UUID) -> Generation {
        Generation(workspace: generations[workspaceID] ?? 0, platform: platformGeneration)
    }

    public func decision(for request: ResolutionRequest) -> Decision? {
        guard let entry = entries[request], entry.generation == generation(request.workspaceID),
              clock.now().timeIntervalSince(entry.stored) < lifetime else { return nil }
        return entry.decision
    }

    public func store(_ decision: Decision, for request: ResolutionRequest) {
        if entries.count > 10_000 { entries.removeAll() }
        entries[request] = Entry(decision: decision, generation: generation(request.workspaceID), stored: clock.now())
    }

    public func invalidate(workspaceID: UUID, platform: Bool) {
        generations[workspaceID, default: 0] &+= 1
        if platform { invalidateAll() }
    }

    /// Drops every workspace's decisions: the platform account changed, and any opted-in workspace may use it.
    public func invalidateAll() {
        platformGeneration &+= 1
    }
}
