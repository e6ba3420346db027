import APISupport
import AccessControl
import HTTP
import Needs

/// Themes and needs.
public struct NeedsModule: RouteModule {
    private let themes: ThemeRoutes
    private let needs: NeedRoutes
    private let analyses: AnalysisRoutes

    public static var personalData: PersonalData? { NeedsPersonalData.personalData }
    public static var auditScope: AuditScope? { NeedsAudit.scope }

    public init(context: ModuleContext) {
        themes = ThemeRoutes(themes: ThemeService(pool: context.pool))
        needs = NeedRoutes(needs: NeedService(pool: context.pool))
        analyses = AnalysisRoutes(analyses: AnalysisService(pool: context.pool))
    }

    public func register(in router: inout Router) {
        themes.register(in: &router)
        needs.register(in: &router)
        analyses.register(in: &router)
    }
}
