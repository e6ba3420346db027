import Foundation

/// A thread that runs `work` every `interval` seconds (the first run one interval after
/// `start`) and, once stopped, `last`. Both run on the thread, never on the caller's: `stop` may
/// be called from a deinitializer, where a task's task-local values must not be touched.
final class Periodic: @unchecked Sendable {
    private let name: String
    private let interval: TimeInterval
    private let work: @Sendable () -> Void
    private let last: @Sendable () -> Void
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)
    private var started = false

    init(
        name: String, interval: TimeInterval, work: @escaping @Sendable () -> Void,
        last: @escaping @Sendable () -> Void = {}
    ) {
        self.name = name
        self.interval = interval
        self.work = work
        self.last = last
    }

    func start() {
        started = true
        let thread = Thread { [self] in
            loop()
            last()
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Returns once the thread has finished its run in progress and `last` (bounded by `timeout`).
    func stop(timeout: TimeInterval = 10) {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        if started { _ = finished.wait(timeout: .now() + timeout) }
    }

    private func loop() {
        while true {
            condition.lock()
            let deadline = Date().addingTimeInterval(interval)
            while !stopping && condition.wait(until: deadline) {}
            let stop = stopping
            condition.unlock()
            if stop { return }
            work()
        }
    }
}
