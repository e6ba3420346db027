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
    /// What every module keeps about people, for access control's export and erasure.
    public let personalData: [PersonalData]
    /// Every module's audit events inside communities, and who reads them.
    public let auditScopes: [AuditScope]
    /// Every module's notifications, and whether their subjects are still visible.
    public let notificationScopes: [NotificationScope]

    public init(
        pool: ConnectionPool, passwords: PasswordHashing, logger: Logger, personalData: [PersonalData],
        auditScopes: [AuditScope], notificationScopes: [NotificationScope]
    ) {
        self.pool = pool
        self.passwords = passwords
        self.logger = logger
        self.personalData = personalData
        self.auditScopes = auditScopes
        self.notificationScopes = notificationScopes
    }
}

/// A domain's routes: the composition root lists one of these per domain.
public protocol RouteModule {
    /// What the domain stores about people, when it stores anything.
    static var personalData: PersonalData? { get }
    /// The domain's audit events inside communities and who may read them, when it records any.
    static var auditScope: AuditScope? { get }
    /// The domain's notifications, when it writes any.
    static var notificationScope: NotificationScope? { get }
    init(context: ModuleContext)
    func register(in router: inout Router)
}

extension RouteModule {
    public static var personalData: PersonalData? { nil }
    public static var auditScope: AuditScope? { nil }
    public static var notificationScope: NotificationScope? { nil }
}
