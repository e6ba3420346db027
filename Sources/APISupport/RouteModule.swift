import AccessControl
import HTTP
import Logging
import Postgres

/// What a domain's route module receives from the composition root to build its services.
public struct ModuleContext: Sendable {
    public let pool: ConnectionPool
    /// Shared by every module, so that the bound on concurrent hashes holds for the process.
    public let passwords: PasswordHashing
    public let logger: Logger

    public init(pool: ConnectionPool, passwords: PasswordHashing, logger: Logger) {
        self.pool = pool
        self.passwords = passwords
        self.logger = logger
    }
}

/// A domain's routes: the composition root lists one of these per domain.
public protocol RouteModule {
    init(context: ModuleContext)
    func register(in router: inout Router)
}
