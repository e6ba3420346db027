import APISupport
import AccessControl
import HTTP

/// Organisations, accounts, sessions, tokens, the person's own profile and the audit log.
public struct AccessControlModule: RouteModule {
    private let routes: AccessControlRoutes
    private let notifications: NotificationRoutes

    public init(context: ModuleContext) {
        let pool = context.pool
        let passwords = context.passwords
        routes = AccessControlRoutes(
            accounts: AccountService(pool: pool, passwords: passwords),
            authentication: AuthenticationService(pool: pool, passwords: passwords), tokens: TokenService(pool: pool),
            profiles: ProfileService(pool: pool, passwords: passwords, personalData: context.personalData),
            onboarding: Onboarding(pool: pool, passwords: passwords, personalData: context.personalData),
            audit: AuditService(pool: pool, scopes: context.auditScopes))
        notifications = NotificationRoutes(
            notifications: NotificationService(pool: pool, scopes: context.notificationScopes))
    }

    public func register(in router: inout Router) {
        routes.register(in: &router)
        notifications.register(in: &router)
    }
}
