import Foundation

/// Dedicated threads for work that blocks (libpq calls). They are not Swift concurrency's
/// cooperative threads, so blocking here never starves async code.
final class WorkerPool: @unchecked Sendable {
    // `jobs` and `stopping` are touched only while `condition` is locked.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopping = false
    private var threads: [Thread] = []

    init(size: Int, name: String) {
        for index in 0..<max(1, size) {
            // Each thread keeps the pool alive until it has drained the queue and ended.
            let thread = Thread { self.run() }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 20
            threads.append(thread)
            thread.start()
        }
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    /// Lets queued jobs finish, then ends the threads.
    func shutdown() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
    }

    private func run() {
        while true {
            let next = condition.withLock { () -> (@Sendable () -> Void)? in
                while jobs.isEmpty && !stopping { condition.wait() }
                return jobs.isEmpty ? nil : jobs.removeFirst()
            }
            guard let job = next else { return }
            job()
        }
    }
}
