import AccessControl
import App
import ArgumentParser
import Crypto
import Email
import Foundation
import Logging
import Postgres

@main
struct Praxis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "praxis",
        abstract: "Praxis: an HTTP JSON API for communities of practice across governments.",
        discussion: "Settings come from the environment; see README.md for the list.",
        subcommands: [Serve.self, Migrate.self, Admin.self])
}

struct Admin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administration with the server's own database access.",
        subcommands: [CreateAdmin.self, IssueAdminToken.self, AuditAnchor.self, ShowOutbox.self, SeedData.self])
}

struct CreateAdmin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create a platform admin and print an admin-scoped API token (shown once).")

    @Option(help: "The admin's email address.")
    var email: String

    @Option(help: "The name shown for the admin.")
    var name: String = "Administrator"

    func run() throws {
        let pool = try commandPool()
        // One transaction: an admin without its token would be stuck (the email is taken).
        let secret = try orExit {
            try pool.withTransaction { _ in
                let account = try AccountService(pool: pool, passwords: PasswordHashing(maximumConcurrent: 1))
                    .createAdmin(email: email, displayName: name, from: commandLineOrigin)
                return try adminToken(for: account, named: "Created by praxis admin create-admin", on: pool)
            }
        }
        print(secret)
    }
}

struct IssueAdminToken: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a new admin-scoped API token (shown once) for an existing, active platform admin.",
        discussion: "For an operator whose admin token was lost; the old one can then be revoked with the new.")

    @Option(help: "The admin's email address.")
    var email: String

    func run() throws {
        let pool = try commandPool()
        let secret = try orExit {
            do {
                let account = try AccountService(pool: pool, passwords: PasswordHashing(maximumConcurrent: 1))
                    .activeAdmin(withEmail: email)
                return try adminToken(for: account, named: "Issued by praxis admin token", on: pool)
            } catch AccessError.refused(.adminRequired) {
                throw fail("\(email) is not a platform admin; this command issues tokens to admins only")
            }
        }
        print(secret)
    }
}

struct ShowOutbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract:
            "Print the messages waiting to be sent (activation, reset and invitation links among them), oldest first.",
        discussion: """
            Only the operator reads these: no API answer carries a one-time token. Pass a message on \
            to the address it is for, and to nobody else.
            """)

    @Option(help: "Only the messages to this address.")
    var to: String?

    func run() throws {
        let configuration = try loadConfiguration()
        let pool = commandPool(configuration)
        let delivery = MailDelivery(pool: pool, settings: configuration.mail, logger: Logger(label: "praxis"))
        let messages = try orExit { try delivery.queued(to: to) }
        if messages.isEmpty { print("praxis: no messages waiting") }
        for message in messages {
            var head =
                "To: \(message.recipient)\nDate: \(message.createdAt.ISO8601Format())\nSubject: \(message.subject)"
            if let error = message.lastError { head += "\nLast attempt (\(message.attempts)): \(error)" }
            print(head + "\n")
            print(message.text)
        }
    }
}

struct SeedData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Fill the database with realistic data for trials and benchmarks, and print tokens to try it with.",
        discussion: """
            small: 5 communities, 100 organisations, 2,000 accounts, 5,000 needs, 500 threads, 20,000 posts. \
            medium: 20, 400, 8,000, 20,000, 2,000, 200,000. large: 50, 1,000, 20,000, 50,000, 10,000, \
            1,000,000. Organisations in 40 countries and 7 sectors; memberships, circles, themes, co-signs, \
            practice records and endorsements. The same --seed writes the same data. Runs as the owner role \
            (MIGRATION_DATABASE_URL, else DATABASE_URL), in one transaction.
            """)

    @Option(help: "small, medium or large.")
    var scale: String = "small"

    @Option(help: "The seed every value is derived from.")
    var seed: Int = 1

    @Option(help: "How many member tokens to print, each of another member of the first community.")
    var memberTokens: Int = 1

    func run() throws {
        guard let scale = Seed.Scale(rawValue: scale) else {
            throw fail("--scale is small, medium or large, not \(scale)")
        }
        let configuration = try loadConfiguration()
        Sodium.initialize()
        let pool = ConnectionPool(
            settings: ConnectionSettings(url: configuration.migrationDatabaseURL), size: 1,
            logger: Logger(label: "praxis"))
        guard (1...1000).contains(memberTokens) else { throw fail("--member-tokens is 1 to 1000") }
        let seeding = Seed(scale: scale, seed: seed)
        let terminal = isatty(STDERR_FILENO) == 1
        let started = Date()
        let written = try orExit {
            do {
                return try seeding.run(on: pool, members: memberTokens) { step, name in
                    let width = 30
                    let filled = width * step / seeding.stepCount
                    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                    let line = String(
                        format: "[%@] %3d%% %@ (%.0f s)", bar, 100 * step / seeding.stepCount, name,
                        Date().timeIntervalSince(started))
                    FileHandle.standardError.write(
                        Data(((terminal ? "\r\u{1B}[K" : "") + line + (terminal ? "" : "\n")).utf8))
                }
            } catch let error as SeedError {
                throw fail(error.description)
            }
        }
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        for (table, rows) in written.counts { print("\(table): \(rows) rows") }
        let tokens = try orExit {
            try pool.withTransaction { _ -> (admin: String, convenor: String, members: [String]) in
                let accounts = AccountService(pool: pool, passwords: PasswordHashing(maximumConcurrent: 1))
                let admin = try accounts.createAdmin(
                    email: "seed\(seed)-admin-\(UUIDv7.make().uuidString.prefix(8).lowercased())@example.org",
                    displayName: "Seed administrator", from: commandLineOrigin)
                func memberToken(_ id: UUID) throws -> String {
                    let account = try accounts.account(id, for: .commandLine(admin))
                    let input = NewToken(
                        name: "Issued by praxis admin seed",
                        scopes: Scope.allCases.filter { $0 != .admin && $0 != .webhooksManage })
                    return try TokenService(pool: pool).create(
                        input, by: .commandLine(account), from: commandLineOrigin
                    )
                    .secret
                }
                return (
                    try adminToken(for: admin, named: "Issued by praxis admin seed", on: pool),
                    try memberToken(written.convenorID), try written.memberIDs.map(memberToken)
                )
            }
        }
        print("community: \(written.communityID.lowercasedString) (seed\(seed)-1)")
        print("long thread (of seed\(seed)-1): \(written.longThreadID.lowercasedString)")
        print("admin token: \(tokens.admin)")
        print("convenor token (of seed\(seed)-1): \(tokens.convenor)")
        for token in tokens.members { print("member token (of seed\(seed)-1): \(token)") }
    }
}

struct AuditAnchor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit-anchor",
        abstract: "Print the audit log's head (SEQ:HASH), to keep outside the database and pass to verify later.")

    func run() throws {
        let pool = try commandPool()
        print(try orExit { try pool.withConnection { try AuditLog().anchor(on: $0) } } ?? "empty")
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the API until SIGTERM or SIGINT.")

    @Flag(help: "Apply pending migrations (as MIGRATION_DATABASE_URL) before serving.")
    var migrate = false

    func run() throws {
        let configuration = try loadConfiguration()
        let logger = Logger(label: "praxis")
        if migrate {
            let applied = try orExit { try Application.migrate(configuration: configuration) }
            logger.info("migrations applied", metadata: ["versions": "\(applied.joined(separator: ","))"])
        }
        let application = try orExit { try Application(configuration: configuration, logger: logger) }
        let status = try orExit { try application.migrationStatus() }
        if !status.isCurrent {
            let names = (status.edited + status.pending).joined(separator: ", ")
            throw fail(
                "the database is missing migrations of this release (\(names)); run `praxis migrate` or start with `praxis serve --migrate`"
            )
        }
        try orExit { try application.start() }

        let stop = DispatchSemaphore(value: 0)
        let signals = [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        stop.wait()
        logger.info("stopping: finishing requests in flight")
        application.stop()
        for source in signals { source.cancel() }
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending migrations as the owner role (MIGRATION_DATABASE_URL, else DATABASE_URL).")

    func run() throws {
        let configuration = try loadConfiguration()
        let applied = try orExit { try Application.migrate(configuration: configuration) }
        print(applied.isEmpty ? "praxis: no migrations pending" : "praxis: applied \(applied.joined(separator: ", "))")
    }
}

let commandLineOrigin = RequestOrigin(requestID: "command-line", address: "local")

/// A new admin-scoped token for `account`, issued by the operator acting as it; its secret.
func adminToken(for account: Account, named name: String, on pool: ConnectionPool) throws -> String {
    var input = NewToken(name: name, scopes: [.admin])
    input.accountID = account.id
    return try TokenService(pool: pool).create(input, by: .commandLine(account), from: commandLineOrigin).secret
}

/// The database, for an admin command: no server and no migrations folder, so that the command
/// runs from any directory.
func commandPool() throws -> ConnectionPool {
    commandPool(try loadConfiguration())
}

func commandPool(_ configuration: Configuration) -> ConnectionPool {
    Sodium.initialize()
    return ConnectionPool(
        settings: ConnectionSettings(url: configuration.databaseURL), size: 1, logger: Logger(label: "praxis"))
}

/// Reads the environment and sets up JSON logging; a bad setting stops here with one line naming it.
func loadConfiguration() throws -> Configuration {
    do {
        let configuration = try Configuration.fromEnvironment()
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
        return configuration
    } catch let invalid as Configuration.Invalid {
        throw fail("invalid setting \(invalid.description)")
    }
}

/// Turns a start-up failure into one line for the operator, without secrets or stack traces.
func orExit<Value>(_ body: () throws -> Value) throws -> Value {
    do {
        return try body()
    } catch let failure as ConnectionFailure {
        throw fail("cannot reach the database: \(failure.reason.split(separator: "\n").joined(separator: "; "))")
    } catch let error as PostgresError where error == .unavailable {
        throw fail("cannot reach the database (check DATABASE_URL / MIGRATION_DATABASE_URL and that PostgreSQL runs)")
    } catch let error as AccessError {
        switch error {
        case .conflict(_, let detail): throw fail(detail)
        case .invalid(let issues): throw fail(issues.map { "\($0.field) \($0.message)" }.joined(separator: "; "))
        case .notFound: throw fail("no such account")
        case .refused(let refusal): throw fail(refusal.detail)
        default: throw fail(String(describing: error))
        }
    } catch let error as MigrationError {
        throw fail(error.description)
    } catch let error as CocoaError where error.code == .fileReadNoSuchFile || error.code == .fileNoSuchFile {
        throw fail(
            "cannot find migrations/ and openapi.yaml in the working directory or above the executable (set MIGRATIONS_DIR)"
        )
    } catch let error as ExitCode {
        throw error
    } catch {
        throw fail(String(describing: error))
    }
}

func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("praxis: \(message)\n".utf8))
    return ExitCode(1)
}
