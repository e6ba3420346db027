import Foundation
import Postgres

/// What the test command set up: a private cluster with the owner and application roles.
public enum TestEnvironment {
    /// The application role's URL: what the server connects as.
    public static var databaseURL: String { value("PRAXIS_TEST_DATABASE_URL") }
    /// The owner role's URL: what migrations and test fixtures use.
    public static var ownerURL: String { value("PRAXIS_TEST_OWNER_URL") }
    /// The cluster's superuser, for tests that play an operator tampering with rows.
    public static var superuserURL: String {
        var components = URLComponents(string: ownerURL)!
        components.user = "postgres"
        return components.string!
    }
    /// The project folder (for `migrations/`, `openapi.yaml` and `scripts/`).
    public static var projectRoot: URL {
        if let root = ProcessInfo.processInfo.environment["PRAXIS_ROOT"] { return URL(fileURLWithPath: root) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
    public static var migrationsDirectory: URL { projectRoot.appendingPathComponent("migrations") }

    private static func value(_ name: String) -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            fatalError("\(name) is not set: run the tests through scripts/test.sh, which starts PostgreSQL")
        }
        return value
    }

    /// The same URL with another database name.
    public static func url(_ url: String, database: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/" + database
        return components.string!
    }

    /// A new empty database owned by the owner role, for tests that need a schema of their own.
    public static func createScratchDatabase(prefix: String) throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        let owner = try Connection(settings: ConnectionSettings(url: ownerURL))
        try owner.execute(script: "CREATE DATABASE \(name)")  // a generated identifier, not input
        return name
    }

    /// A free loopback port, for a second PostgreSQL cluster.
    public static func freePort() -> UInt16 {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Runs `scripts/pgcluster.sh` (init, start, stop) for a cluster of a test's own.
    public static func pgcluster(_ arguments: String...) throws {
        let status = try run(projectRoot.appendingPathComponent("scripts/pgcluster.sh").path, arguments)
        guard status == 0 else { throw NSError(domain: "pgcluster", code: Int(status)) }
    }

    /// Runs a program to its end and returns its exit status. posix_spawn and waitpid:
    /// Foundation's `Process.waitUntilExit` can miss the exit off the main thread.
    /// - Parameter environment: `NAME=value` entries; nil inherits this process's environment.
    public static func run(_ program: String, _ arguments: [String], environment: [String]? = nil) throws -> Int32 {
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup($0) } + [nil] }
        defer {
            for argument in argv { free(argument) }
            for variable in envp ?? [] { free(variable) }
        }
        var pid: pid_t = 0
        let spawned =
            envp.map { posix_spawn(&pid, program, nil, nil, argv, $0) }
            ?? posix_spawn(&pid, program, nil, nil, argv, environ)
        guard spawned == 0 else { throw NSError(domain: "spawn", code: Int(spawned)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status >> 8) & 0xff
    }
}
