import App
import Foundation
import HTTP
import Logging
import Postgres

// The server `bench/run.sh` loads: the real application plus one route that holds a database
// connection for `ms` milliseconds (pg_sleep), to see whether slow handlers stall fast ones.
// Settings come from the environment as for `praxis serve` (HTTP_MODE picks the threading mode).

func sleep(milliseconds: Int) -> SQL { "SELECT pg_sleep(\(milliseconds)::float8 / 1000)" }

do {
    let configuration = try Configuration.fromEnvironment()
    var logger = Logger(label: "praxis-bench")
    logger.logLevel = .critical
    let application = try Application(configuration: configuration, logger: logger) { router, context in
        router.add("GET", "/bench/db-sleep") { request in
            let milliseconds = Int(try request.queryValue("ms") ?? "50") ?? 50
            try context.pool.withConnection { _ = try $0.query(sleep(milliseconds: milliseconds)) }
            return try Response.json(["slept_ms": milliseconds])
        }
    }
    try application.start()
    FileHandle.standardError.write(
        Data("praxis-bench: listening on \(application.port) (\(configuration.server.mode.rawValue))\n".utf8))
    let stop = DispatchSemaphore(value: 0)
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    let sources = [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { stop.signal() }
        source.resume()
        return source
    }
    stop.wait()
    application.stop()
    for source in sources { source.cancel() }
} catch {
    FileHandle.standardError.write(Data("praxis-bench: \(error)\n".utf8))
    exit(1)
}
