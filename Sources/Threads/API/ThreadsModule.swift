import APISupport
import AccessControl
import HTTP
import Threads

/// Problem threads: threads, posts and practice records, outcomes, endorsements, moderation and
/// reveals, what people follow, and search.
public struct ThreadsModule: RouteModule {
    private let threads: ThreadRoutes
    private let posts: PostRoutes
    private let search: SearchRoutes
    private let subscriptions: SubscriptionRoutes
    private let moderation: ModerationRoutes

    public static var personalData: PersonalData? { ThreadsPersonalData.personalData }
    public static var auditScope: AuditScope? { ThreadsAudit.scope }
    public static var notificationScope: NotificationScope? { ThreadsNotifications.scope }

    public init(context: ModuleContext) {
        threads = ThreadRoutes(threads: ThreadService(pool: context.pool))
        posts = PostRoutes(posts: PostService(pool: context.pool))
        search = SearchRoutes(search: SearchService(pool: context.pool))
        subscriptions = SubscriptionRoutes(subscriptions: SubscriptionService(pool: context.pool))
        moderation = ModerationRoutes(moderation: ModerationService(pool: context.pool))
    }

    public func register(in router: inout Router) {
        threads.register(in: &router)
        posts.register(in: &router)
        search.register(in: &router)
        subscriptions.register(in: &router)
        moderation.register(in: &router)
    }
}
