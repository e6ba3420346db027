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
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets queued jobs finish, then ends the threads.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
