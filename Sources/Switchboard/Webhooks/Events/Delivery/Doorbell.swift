/// Wakes a polling loop early: `wait(upTo:)` returns when rung or after the interval, whichever comes first.
/// A ring while nobody waits is kept, so a wake-up between two waits is not lost.
actor Doorbell {
    private var rung = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var generation = 0

    func ring() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            rung = true
        }
    }

    func wait(upTo interval: Duration) async {
        if rung {
            rung = false
            return
        }
        generation += 1
        let current = generation
        let timer = Task { [weak self] in
            try? await Task.sleep(for: interval)
            await self?.timeOut(current)
        }
        await withCheckedContinuation { waiter = $0 }
        timer.cancel()
    }

    private func timeOut(_ waited: Int) {
        guard waited == generation, let waiter else { return }
        self.waiter = nil
        waiter.resume()
    }
}
