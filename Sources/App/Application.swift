import APISupport
import AccessControl
import AccessControlAPI
import Crypto
import Email
import EmailAPI
import Foundation
import HTTP
import Logging
import MembershipAPI
import NeedsAPI
import Postgres
import ThreadsAPI

/// The composition root: the pool, the routes, the HTTP server and the maintenance loop.
public final class Application: Sendable {
    /// Every domain's routes, one line each.
    static var modules: [any RouteModule.Type] {
        [
            AccessControlModule.self,
            MembershipModule.self,
            NeedsModule.self,
            ThreadsModule.self,
            EmailModule.self,
        ]
    }

    /// What route modules receive to build their handlers.
    public struct Context: Sendable {
        public let pool: ConnectionPool
        public let logger: Logger
    }

    public let configuration: Configuration
    public let pool: ConnectionPool
    public let migrator: Migrator
    /// The services the command line also uses (`praxis admin ...`).
    public let accounts: AccountService
    public let tokens: TokenService
    public let server: HTTPServer
    /// Every route the server answers (OPTIONS and HEAD are answered for all of them).
    public let routes: [Router.Route]
    private let maintenance: Maintenance
    /// Sends the outbox; nil without SMTP.
    private let mail: MailLoop?
    public let delivery: MailDelivery
    private let instances: Instances
    private let logger: Logger

    /// - Parameter extraRoutes: more routes, registered before the `/v1` index is built (tests and
    ///   the benchmark server use it for routes the product does not have).
    public init(
        configuration: Configuration, logger: Logger,
        extraRoutes: ((inout Router, Context) -> Void)? = nil
    ) throws {
        Sodium.initialize()
        self.configuration = configuration
        self.logger = logger
        var settings = ConnectionSettings(url: configuration.databaseURL)
        settings.statementTimeoutMilliseconds = configuration.statementTimeoutMilliseconds
        pool = ConnectionPool(settings: settings, size: configuration.poolSize, logger: logger)
        migrator = Migrator(migrations: try Migration.load(from: configuration.migrationsDirectory))
        let openAPIDocument = try Application.readOpenAPI(near: configuration.migrationsDirectory)
        let metrics = Metrics()
        let context = Context(pool: pool, logger: logger)

        // Logins may hash on two threads per core at once; more wait briefly, then get 503.
        let passwords = PasswordHashing(maximumConcurrent: 2 * ProcessInfo.processInfo.activeProcessorCount)
        let authentication = AuthenticationService(pool: pool, passwords: passwords)
        accounts = AccountService(pool: pool, passwords: passwords)
        tokens = TokenService(pool: pool)

        instances = Instances(
            group: configuration.rateLimitGroup, heartbeat: configuration.instanceHeartbeatSeconds, pool: pool,
            logger: logger)
        var router = Router()
        OperationsRoutes(
            pool: pool, metrics: metrics, instances: instances, migrator: migrator, openAPIDocument: openAPIDocument,
            metricsToken: configuration.metricsToken, mailSending: configuration.mail.smtp != nil
        )
        .register(in: &router)
        let moduleContext = ModuleContext(
            pool: pool, passwords: passwords, logger: logger,
            personalData: Application.modules.compactMap { $0.personalData },
            auditScopes: Application.modules.compactMap { $0.auditScope },
            notificationScopes: Application.modules.compactMap { $0.notificationScope })
        for module in Application.modules { module.init(context: moduleContext).register(in: &router) }
        extraRoutes?(&router, context)
        OperationsRoutes.registerIndex(in: &router)

        routes = router.routes
        let responder = APIResponder(
            router: router, pool: pool, metrics: metrics, logger: logger, configuration: configuration,
            authentication: authentication, instances: instances)
        server = HTTPServer(configuration: configuration.server, responder: responder)
        maintenance = Maintenance(
            pool: pool, tasks: Maintenance.tasks(addressRetentionDays: configuration.auditAddressRetentionDays),
            interval: configuration.maintenanceIntervalSeconds, logger: logger)
        delivery = MailDelivery(pool: pool, settings: configuration.mail, logger: logger)
        mail =
            configuration.mail.smtp == nil
            ? nil
            : MailLoop(
                delivery: delivery, digests: NotificationDigests(pool: pool, scopes: moduleContext.notificationScopes),
                logger: logger)
    }

    public var port: UInt16 { server.port }

    public func start() throws {
        instances.start()
        try server.start()
        maintenance.start()
        mail?.start()
        logger.info(
            "listening",
            metadata: [
                "host": "\(configuration.server.host)", "port": .stringConvertible(Int(server.port)),
                "mode": "\(configuration.server.mode.rawValue)",
            ])
    }

    /// Graceful: stop accepting, finish requests in flight (bounded), close the pool.
    public func stop() {
        maintenance.stop()
        mail?.stop()
        server.stop()
        instances.stop()
        pool.close()
        logger.info("stopped")
    }

    /// Where the database stands against this binary's migrations, read as the application role.
    public func migrationStatus() throws -> MigrationStatus {
        try pool.withConnection { try migrator.status(on: $0) }
    }

    /// Applies pending migrations as the owner role (`MIGRATION_DATABASE_URL`).
    public func migrate() throws -> [String] {
        try Application.migrate(configuration: configuration)
    }

    public static func migrate(configuration: Configuration) throws -> [String] {
        let migrator = Migrator(migrations: try Migration.load(from: configuration.migrationsDirectory))
        var settings = ConnectionSettings(url: configuration.migrationDatabaseURL)
        // A migration may rewrite a large table, and a second instance waits for the lock.
        settings.statementTimeoutMilliseconds = 0
        return try migrator.migrate(on: try Connection(settings: settings))
    }

    /// `openapi.yaml` sits beside `migrations/` in the source tree and in the container image.
    private static func readOpenAPI(near migrations: URL) throws -> [UInt8] {
        let url = migrations.deletingLastPathComponent().appendingPathComponent("openapi.yaml")
        return Array(try Data(contentsOf: url))
    }
}
