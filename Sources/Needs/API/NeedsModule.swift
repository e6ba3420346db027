import APISupport
import AccessControl
import HTTP
import Needs

/// Themes, intake surveys, needs, the needs analysis, the agenda and peers across silos.
public struct NeedsModule: RouteModule {
    private let themes: ThemeRoutes
    private let needs: NeedRoutes
    private let analyses: AnalysisRoutes
    private let agenda: AgendaRoutes
    private let peers: PeerRoutes
    private let surveys: SurveyRoutes

    public static var personalData: PersonalData? { NeedsPersonalData.personalData }
    public static var auditScope: AuditScope? { NeedsAudit.scope }
    public static var notificationScope: NotificationScope? { NeedsNotifications.scope }

    public init(context: ModuleContext) {
        themes = ThemeRoutes(themes: ThemeService(pool: context.pool))
        needs = NeedRoutes(needs: NeedService(pool: context.pool))
        analyses = AnalysisRoutes(analyses: AnalysisService(pool: context.pool))
        agenda = AgendaRoutes(agenda: AgendaService(pool: context.pool))
        peers = PeerRoutes(peers: PeerService(pool: context.pool))
        surveys = SurveyRoutes(surveys: SurveyService(pool: context.pool))
    }

    public func register(in router: inout Router) {
        themes.register(in: &router)
        needs.register(in: &router)
        analyses.register(in: &router)
        agenda.register(in: &router)
        peers.register(in: &router)
        surveys.register(in: &router)
    }
}
