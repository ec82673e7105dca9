import Foundation
import WhatsAppCloud

/// Everything the sandbox knows, in memory. Also the programmatic control handle: a host app or a test
/// adds numbers, sets faults and reads what was sent here, without HTTP.
public actor SandboxState {
    static let windowLength: TimeInterval = 24 * 60 * 60

    var random: SeededGenerator
    var counter: UInt64 = 0
    let sentLogLimit: Int
    public private(set) var timing: WebhookTiming

    var numbers: [String: SandboxNumber] = [:]
    /// By WABA id.
    var templates: [String: [TemplateRecord]] = [:]
    /// Phone number id → user key (wa_id or user_id) → time of the user's last message.
    var windows: [String: [String: Date]] = [:]
    var media: [String: StoredMedia] = [:]
    /// Phone number id → wamid → message, and the wamids in order (oldest first).
    var sent: [String: [String: SentMessage]] = [:]
    var sentOrder: [String: [String]] = [:]
    /// Phone number id → `biz_opaque_callback_data` → accepted sends that carried it.
    var callbackDataCounts: [String: [String: Int]] = [:]
    var faults: [String: Faults] = [:]
    var evolutionInstances: [String: EvolutionInstance] = [:]
    var counters = SandboxStats()

    init(seed: UInt64, timing: WebhookTiming, sentLogLimit: Int) {
        random = SeededGenerator(seed: seed)
        self.timing = timing
        self.sentLogLimit = sentLogLimit
    }

    // MARK: Control

    /// Creates or replaces a number. Its WABA gets Meta's `hello_world` template if it has no templates yet.
    public func upsert(_ number: SandboxNumber) {
        numbers[number.phoneNumberId] = number
        if templates[number.wabaId] == nil {
            templates[number.wabaId] = [TemplateRecord.helloWorld(id: newNumericID())]
        }
    }

    public func number(_ phoneNumberId: String) -> SandboxNumber? { numbers[phoneNumberId] }

    public func allNumbers() -> [SandboxNumber] { numbers.values.sorted { $0.phoneNumberId < $1.phoneNumberId } }

    /// False when there is no such number.
    @discardableResult
    public func setFaults(_ faults: Faults, for phoneNumberId: String) -> Bool {
        guard numbers[phoneNumberId] != nil else { return false }
        self.faults[phoneNumberId] = faults
        return true
    }

    public func faults(for phoneNumberId: String) -> Faults { faults[phoneNumberId] ?? Faults() }

    public func setTiming(_ timing: WebhookTiming) { self.timing = timing }

    /// Lets `user` (a wa_id or business-scoped user id) receive free-form messages for 24 hours, as an
    /// inbound message does.
    public func openWindow(phoneNumberId: String, user: String, at time: Date = Date()) {
        windows[phoneNumberId, default: [:]][user] = time
    }

    public func sentMessages(for phoneNumberId: String) -> [SentMessage] {
        (sentOrder[phoneNumberId] ?? []).compactMap { sent[phoneNumberId]?[$0] }
    }

    public func callbackDataCounts(for phoneNumberId: String) -> [String: Int] { callbackDataCounts[phoneNumberId] ?? [:] }

    public func templates(wabaId: String) -> [MessageTemplate] { (templates[wabaId] ?? []).map(\.listed) }

    public func stats() -> SandboxStats {
        var stats = counters
        stats.numbers = numbers.count
        stats.templates = templates.values.reduce(0) { $0 + $1.count }
        stats.mediaStored = media.count
        stats.evolutionInstances = evolutionInstances.count
        return stats
    }

    /// Forgets messages, windows, media, faults, templates (each WABA gets `hello_world` back), Evolution
    /// instances and counters; numbers stay unless `keepingNumbers` is false.
    public func reset(keepingNumbers: Bool = true) {
        let kept = keepingNumbers ? Array(numbers.values) : []
        numbers = [:]
        templates = [:]
        windows = [:]
        media = [:]
        sent = [:]
        sentOrder = [:]
        callbackDataCounts = [:]
        faults = [:]
        evolutionInstances = [:]
        counters = SandboxStats()
        kept.forEach(upsert)
    }

    // MARK: Lookups for the routes

    func numbers(inWABA wabaId: String) -> [SandboxNumber] {
        numbers.values.filter { $0.wabaId == wabaId }.sorted { $0.phoneNumberId < $1.phoneNumberId }
    }

    func isKnownToken(_ token: String) -> Bool { numbers.values.contains { $0.accessTokens.contains(token) } }

    func hasOpenWindow(phoneNumberId: String, user: String, now: Date = Date()) -> Bool {
        guard let last = windows[phoneNumberId]?[user] else { return false }
        return now.timeIntervalSince(last) < Self.windowLength
    }

    func countGraphError(code: Int) { counters.graphErrors[String(code), default: 0] += 1 }

    func count(_ update: (inout SandboxStats) -> Void) { update(&counters) }

    // MARK: Randomness and ids

    func roll(_ rate: Double) -> Bool { random.chance(rate) }

    /// How many times to post one webhook of this number: 0 (dropped), 1, or 2 (duplicated).
    func webhookCopies(phoneNumberId: String) -> Int {
        let faults = faults(for: phoneNumberId)
        if random.chance(faults.dropWebhookRate) {
            counters.webhooksDropped += 1
            return 0
        }
        if random.chance(faults.duplicateWebhookRate) {
            counters.webhooksDuplicated += 1
            return 2
        }
        return 1
    }

    /// A Graph-style numeric id (media, templates): 16 digits, unique because each counter value owns a
    /// range wider than the random part.
    func newNumericID() -> String {
        counter += 1
        return String(1_000_000_000_000_000 + counter * 1_000_003 + random.next() % 1_000_000)
    }

    /// `wamid.` followed by base64, unique through a counter, like Meta's ids.
    func newWamid(phoneNumberId: String) -> String {
        counter += 1
        var bytes = Array("HBgL\(phoneNumberId)\(counter)".utf8)
        for _ in 0..<9 { bytes.append(UInt8.random(in: 0...255, using: &random)) }
        return "wamid." + Data(bytes).base64EncodedString()
    }

    func randomHex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement(using: &random)! })
    }
}
