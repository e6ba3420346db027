import APISupport
import AccessControl
import HTTP
import Membership

/// Communities, norms, invitations, applications, memberships, circles, meetings, declarations,
/// participation figures and imports.
public struct MembershipModule: RouteModule {
    private let communities: CommunityRoutes
    private let norms: NormsRoutes
    private let memberships: MembershipRoutes
    private let circles: CircleRoutes
    private let meetings: MeetingRoutes

    public static var personalData: PersonalData? { MembershipPersonalData.personalData }
    public static var auditScope: AuditScope? { MembershipAudit.scope }
    public static var notificationScope: NotificationScope? { MembershipNotifications.scope }

    public init(context: ModuleContext) {
        let pool = context.pool
        let invitations = InvitationService(
            pool: pool, accounts: AccountService(pool: pool, passwords: context.passwords))
        communities = CommunityRoutes(communities: CommunityService(pool: pool))
        norms = NormsRoutes(norms: NormsService(pool: pool))
        memberships = MembershipRoutes(
            invitations: invitations, applications: ApplicationService(pool: pool),
            memberships: MembershipService(pool: pool), declarations: DeclarationService(pool: pool),
            participation: ParticipationService(pool: pool),
            imports: ImportService(
                pool: pool, invitations: invitations,
                authentication: AuthenticationService(pool: pool, passwords: context.passwords)))
        circles = CircleRoutes(circles: CircleService(pool: pool))
        meetings = MeetingRoutes(meetings: MeetingService(pool: pool))
    }

    public func register(in router: inout Router) {
        communities.register(in: &router)
        norms.register(in: &router)
        memberships.register(in: &router)
        circles.register(in: &router)
        meetings.register(in: &router)
    }
}
