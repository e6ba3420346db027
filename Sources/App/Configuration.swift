import Email
import Foundation
import HTTP
import Mail

/// Settings read once from the environment at start; everything after receives typed values.
public struct Configuration: Sendable {
    public var databaseURL: String
    public var migrationDatabaseURL: String
    public var server = ServerConfiguration()
    public var poolSize = 16
    public var statementTimeoutMilliseconds = 5_000
    public var corsOrigins: Set<String> = []
    /// The bearer token `/metrics` asks for; without one, only a client on this machine reads it.
    public var metricsToken: String?
    public var trustedProxies: TrustedProxies = []
    public var logLevel = "info"
    public var rateLimitPerToken = 600
    public var rateLimitPerAddress = 60
    public var rateLimitWindowSeconds = 60
    /// Instances of one group on one database share each quota (those behind one load balancer).
    public var rateLimitGroup = "default"
    /// How often an instance tells the others of its group that it is alive.
    public var instanceHeartbeatSeconds = 5.0
    public var migrationsDirectory = Configuration.installedMigrations()
    public var maintenanceIntervalSeconds = 60.0
    public var auditAddressRetentionDays = 90
    public var mail = MailSettings(
        smtp: nil, from: Configuration.defaultSender,
        links: MailLinks(web: "http://127.0.0.1:8080", api: "http://127.0.0.1:8080"))
    static let defaultSender = try! Mailbox(address: "praxis@localhost", displayName: "Praxis")

    public init(databaseURL: String, migrationDatabaseURL: String? = nil) {
        self.databaseURL = databaseURL
        self.migrationDatabaseURL = migrationDatabaseURL ?? databaseURL
    }

    /// A setting that is missing or does not parse; the message names it.
    public struct Invalid: Error, CustomStringConvertible {
        public let name: String
        public let problem: String
        public var description: String { "\(name): \(problem)" }
    }

    /// Reads the documented environment variables (see README). Only `DATABASE_URL` is required.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> Configuration
    {
        func value(_ name: String) -> String? {
            environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let number = Int(text), range.contains(number) else {
                throw Invalid(
                    name: name,
                    problem: "must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            }
            return number
        }
        func list(_ name: String) -> [String] {
            (value(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
        }

        guard let databaseURL = value("DATABASE_URL") else {
            throw Invalid(
                name: "DATABASE_URL", problem: "is required (for example postgresql://praxis_app@127.0.0.1:5432/praxis)"
            )
        }
        for name in ["DATABASE_URL", "MIGRATION_DATABASE_URL"] {
            if let url = value(name), !(url.hasPrefix("postgresql://") || url.hasPrefix("postgres://")) {
                throw Invalid(name: name, problem: "must be a postgresql:// URL")
            }
        }
        var configuration = Configuration(
            databaseURL: databaseURL, migrationDatabaseURL: value("MIGRATION_DATABASE_URL"))
        if let host = value("HOST") {
            guard isIPAddress(host) else {
                throw Invalid(name: "HOST", problem: "must be an IPv4 or IPv6 address, got '\(host)'")
            }
            configuration.server.host = host
        }
        if let port = try integer("PORT", 0...65535) { configuration.server.port = UInt16(port) }
        if let threads = try integer("THREADS", 1...256) { configuration.server.ioThreads = threads }
        if let mode = value("HTTP_MODE") {
            guard let parsed = ThreadingMode(rawValue: mode) else {
                throw Invalid(
                    name: "HTTP_MODE",
                    problem: "must be one of \(ThreadingMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            configuration.server.mode = parsed
        }
        if let size = try integer("POOL_SIZE", 1...1000) { configuration.poolSize = size }
        configuration.server.workerThreads = configuration.poolSize
        if let bytes = try integer("MAX_BODY_BYTES", 1024...(64 << 20)) { configuration.server.maxBodyBytes = bytes }
        if let limit = try integer("CONNECTION_LIMIT", 1...100_000) { configuration.server.connectionLimit = limit }
        if let limit = try integer("CONNECTION_LIMIT_PER_IP", 1...100_000) {
            configuration.server.connectionLimitPerAddress = limit
        }
        if let timeout = try integer("CONNECTION_TIMEOUT", 1...3600) {
            configuration.server.connectionTimeout = timeout
        }
        if let timeout = try integer("SHUTDOWN_TIMEOUT", 0...3600) {
            configuration.server.shutdownTimeout = TimeInterval(timeout)
        }
        if let timeout = try integer("STATEMENT_TIMEOUT_MS", 100...600_000) {
            configuration.statementTimeoutMilliseconds = timeout
        }
        if let limit = try integer("RATE_LIMIT_PER_TOKEN", 1...1_000_000) { configuration.rateLimitPerToken = limit }
        if let limit = try integer("RATE_LIMIT_PER_IP", 1...1_000_000) { configuration.rateLimitPerAddress = limit }
        if let window = try integer("RATE_LIMIT_WINDOW", 1...86_400) { configuration.rateLimitWindowSeconds = window }
        if let group = value("RATE_LIMIT_GROUP") {
            guard (1...64).contains(group.utf8.count), group.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw Invalid(name: "RATE_LIMIT_GROUP", problem: "must be 1 to 64 visible ASCII characters")
            }
            configuration.rateLimitGroup = group
        }
        if let interval = try integer("INSTANCE_HEARTBEAT", 1...60) {
            configuration.instanceHeartbeatSeconds = Double(interval)
        }
        if let interval = try integer("MAINTENANCE_INTERVAL", 1...86_400) {
            configuration.maintenanceIntervalSeconds = Double(interval)
        }
        if let days = try integer("AUDIT_ADDRESS_RETENTION_DAYS", 1...3650) {
            configuration.auditAddressRetentionDays = days
        }
        if let token = value("METRICS_TOKEN") {
            guard (16...512).contains(token.utf8.count), token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw Invalid(name: "METRICS_TOKEN", problem: "must be 16 to 512 visible ASCII characters")
            }
            configuration.metricsToken = token
        }
        for origin in list("CORS_ORIGINS") {
            guard let url = URL(string: origin), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil, url.path.isEmpty, origin != "*"
            else {
                throw Invalid(
                    name: "CORS_ORIGINS", problem: "'\(origin)' is not an exact origin such as https://app.example.org")
            }
            configuration.corsOrigins.insert(origin)
        }
        let proxies = list("TRUSTED_PROXIES")
        if let wrong = proxies.first(where: { TrustedProxies([$0]) == nil }) {
            throw Invalid(
                name: "TRUSTED_PROXIES", problem: "'\(wrong)' is not an IP address or a CIDR range such as 10.0.0.0/8")
        }
        configuration.trustedProxies = TrustedProxies(proxies) ?? []
        if let level = value("LOG_LEVEL") {
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
                throw Invalid(
                    name: "LOG_LEVEL", problem: "must be one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = level
        }
        configuration.mail = try mailSettings(value: value, integer: integer)
        if let directory = value("MIGRATIONS_DIR") {
            configuration.migrationsDirectory = URL(fileURLWithPath: directory)
        }
        return configuration
    }

    /// `SMTP_URL` (none: messages wait in the outbox), `SMTP_CA_FILE`, `MAIL_FROM` (required with
    /// SMTP), `PUBLIC_BASE_URL` and `PUBLIC_API_URL` for links, and the retry timing.
    static func mailSettings(value: (String) -> String?, integer: (String, ClosedRange<Int>) throws -> Int?) throws
        -> MailSettings
    {
        func baseURL(_ name: String) throws -> String? {
            guard let text = value(name) else { return nil }
            guard let url = URLComponents(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                url.query == nil, url.fragment == nil
            else { throw Invalid(name: name, problem: "must be an http(s) URL such as https://praxis.example.org") }
            return text
        }
        var smtp: SMTPSettings?
        if let url = value("SMTP_URL") {
            do {
                smtp = try SMTPSettings(url: url, caFile: value("SMTP_CA_FILE"))
            } catch let error as SMTPSettingsError {
                throw Invalid(name: "SMTP_URL", problem: error.description)
            }
        }
        var from = Configuration.defaultSender
        if let text = value("MAIL_FROM") {
            do { from = try Mailbox(parsing: text) } catch {
                throw Invalid(name: "MAIL_FROM", problem: "must be an address or Name <address>")
            }
        } else if smtp != nil {
            throw Invalid(
                name: "MAIL_FROM", problem: "is required with SMTP_URL (for example Praxis <praxis@example.org>)")
        }
        let web = try baseURL("PUBLIC_BASE_URL") ?? "http://127.0.0.1:8080"
        var settings = MailSettings(
            smtp: smtp, from: from, links: MailLinks(web: web, api: try baseURL("PUBLIC_API_URL") ?? web))
        if let seconds = try integer("MAIL_RETRY_SECONDS", 1...86_400) { settings.retryBaseSeconds = Double(seconds) }
        if let seconds = try integer("MAIL_RETRY_FOR", 60...2_592_000) { settings.retryForSeconds = Double(seconds) }
        if let seconds = try integer("MAIL_INTERVAL", 1...3600) { settings.pollSeconds = Double(seconds) }
        if let seconds = try integer("DIGEST_INTERVAL", 1...86_400) { settings.digestPollSeconds = Double(seconds) }
        return settings
    }

    /// `migrations/` (with `openapi.yaml` beside it) in the working directory, else in the nearest
    /// folder above the executable that holds both (`.build/release/praxis` finds the project's),
    /// so that `praxis migrate` and `praxis serve` run from any directory.
    static func installedMigrations() -> URL {
        let fileManager = FileManager.default
        func holdsRelease(_ folder: URL) -> Bool {
            fileManager.fileExists(atPath: folder.appendingPathComponent("migrations").path)
                && fileManager.fileExists(atPath: folder.appendingPathComponent("openapi.yaml").path)
        }
        let workingDirectory = URL(fileURLWithPath: fileManager.currentDirectoryPath)
        var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = [workingDirectory]
        while folder.pathComponents.count > 1 {
            candidates.append(folder)
            folder.deleteLastPathComponent()
        }
        let release = candidates.first(where: holdsRelease) ?? workingDirectory
        return release.appendingPathComponent("migrations")
    }
}

/// An IPv4 or IPv6 address literal.
func isIPAddress(_ text: String) -> Bool {
    var buffer = [UInt8](repeating: 0, count: 16)
    return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
}
