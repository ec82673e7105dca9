/// The webhook deliveries under way, so shutting the sandbox down cancels them instead of leaving them
/// posting to receivers that are going away.
actor BackgroundTasks {
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var nextID = 0
    private var closed = false

    func run(_ operation: @escaping @Sendable () async -> Void) {
        guard !closed else { return }
        let id = nextID
        nextID += 1
        tasks[id] = Task {
            await operation()
            self.finished(id)
        }
    }

    private func finished(_ id: Int) { tasks[id] = nil }

    func cancelAll() {
        closed = true
        tasks.values.forEach { $0.cancel() }
        tasks = [:]
    }
}
