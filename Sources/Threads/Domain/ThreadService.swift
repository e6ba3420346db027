import AccessControl
import Crypto
import Disclosure
import Foundation
import Needs
import Postgres

/// Threads: members open them on a shared problem, in the community, a circle or a meeting; the
/// thread's author or a convenor changes them and marks the outcome; convenors lock them.
/// Everything reads through `Visibility.thread`.
public struct ThreadService: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func create(
        in community: UUID, by caller: Caller, from origin: RequestOrigin, _ setting: ThreadSetting,
        _ statement: () throws -> ThreadStatement
    ) throws -> Thread {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .startThreads, in: community, on: connection)
            let statement = try statement()
            try Self.validation(of: statement).check()
            let place = try connection.single(ThreadRepository.setting(setting, in: community, for: caller))
            guard try place["meeting_usable"] as Bool else {
                throw AccessError.invalid("meeting_id", "is not a meeting of this community that you take part in")
            }
            guard try place["circle_usable"] as Bool else {
                throw AccessError.invalid("circle_id", "is not a circle of this community that you are in")
            }
            if setting.excludesVendors, try place["commercial_interest"] as Bool {
                throw ThreadsError.refused(
                    .commercialInterest,
                    detail: "A member with a commercial interest does not open a thread that excludes vendors.")
            }
            let chathamDefault: Bool = try place["chatham_house"]
            if setting.meetingID != nil, chathamDefault, setting.chathamHouse == false {
                throw AccessError.invalid("chatham_house", "must be true: the meeting is under the Chatham House rule")
            }
            try ThemeLinks.check(statement.themeIDs, added: statement.themeIDs, in: community, on: connection)
            try checkLinks(statement.needIDs, statement.agendaItemIDs, in: community, for: caller, on: connection)
            let id = UUIDv7.make()
            let chathamHouse = setting.chathamHouse ?? chathamDefault
            try connection.query(
                ThreadRepository.insert(
                    id, in: community, statement, setting, chathamHouse: chathamHouse, by: caller.accountID))
            try connection.query(ThreadRepository.link(id, statement))
            try connection.query(SubscriptionRepository.follow(.thread, id, by: caller.accountID))
            let followers: [UUID] = try connection.query(
                SubscriptionRepository.followers(ofCommunity: community, orThemes: statement.themeIDs)
            ) { try $0["account_id"] }
            try Notifications.notify(
                followers.filter { $0 != caller.accountID }, kind: "thread.created", subjectType: "thread", subject: id,
                community: community, summary: ThreadsNotifications.summary(thread: id, title: statement.title),
                on: connection)
            try ThreadsAudit.record(
                "thread.created", "thread", id, by: caller, from: origin, shielded: chathamHouse, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    public func thread(_ id: UUID, for caller: Caller) throws -> Thread {
        try pool.withConnection { connection in
            let thread = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readThreads, in: thread.communityID, on: connection)
            return thread
        }
    }

    public func threads(in community: UUID, _ query: ThreadQuery, after: UUID?, limit: Int, for caller: Caller)
        throws -> [Thread]
    {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readThreads, in: community, on: connection)
            return try connection.query(
                ThreadRepository.list(in: community, query, after: after, limit: limit, for: caller),
                decode: ThreadRepository.thread)
        }
    }

    /// The thread's author or a convenor changes what it says, its status (never to `resolved`:
    /// that is the outcome's) and its rules, which only ever become stricter once someone posted.
    public func update(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin,
        _ change: (inout ThreadChange) throws -> Void
    ) throws -> Thread {
        try pool.withTransaction { connection in
            let current = try find(id, for: caller, on: connection, locking: true)
            let context = try CommunityAccess.authorize(caller, .writePosts, in: current.communityID, on: connection)
            guard current.createdByCaller || context.role == .convenor else {
                throw ThreadsError.refused(.authorOnly, detail: "Only the thread's author or a convenor changes it.")
            }
            let before = ThreadChange(
                statement: ThreadStatement(
                    title: current.title, problem: current.problem, themeIDs: current.themes.map(\.id),
                    needIDs: current.needs.map(\.id), agendaItemIDs: current.agendaItems.map(\.id)),
                status: current.status, chathamHouse: current.chathamHouse, excludesVendors: current.excludesVendors)
            var after = before
            try change(&after)
            var validation = Self.validation(of: after.statement)
            if after.status != before.status && after.status == .resolved {
                validation.add("status", "becomes resolved when a post is marked as the outcome")
            }
            try validation.check()
            if after.status != before.status, after.status != .archived, current.outcomePostID != nil {
                throw ThreadsError.conflict(
                    .invalidTransition, detail: "The thread has an outcome: unmark it to open the thread again.")
            }
            if current.postCount > 0
                && ((before.chathamHouse && !after.chathamHouse) || (before.excludesVendors && !after.excludesVendors))
            {
                throw ThreadsError.conflict(
                    .onlyStricter, detail: "Once someone has posted, a thread's rules only become stricter.")
            }
            if after.excludesVendors && !before.excludesVendors,
                try connection.single(ThreadRepository.setting(ThreadSetting(), in: current.communityID, for: caller))[
                    "commercial_interest"] as Bool
            {
                throw ThreadsError.refused(
                    .commercialInterest, detail: "A member with a commercial interest does not exclude vendors.")
            }
            let addedThemes = after.statement.themeIDs.filter { !before.statement.themeIDs.contains($0) }
            try ThemeLinks.check(after.statement.themeIDs, added: addedThemes, in: current.communityID, on: connection)
            try checkLinks(
                after.statement.needIDs.filter { !before.statement.needIDs.contains($0) },
                after.statement.agendaItemIDs.filter { !before.statement.agendaItemIDs.contains($0) },
                in: current.communityID, for: caller, on: connection)
            try matches(current.version)
            // Links the caller cannot see stay as they are: they were not theirs to remove.
            let unseen = try connection.single(
                ThreadRepository.linksUnseen(of: id, seen: current.needs.map(\.id), current.agendaItems.map(\.id)))
            let hidden: [UUID] = try unseen["need_ids"]
            let hiddenAgenda: [UUID] = try unseen["agenda_item_ids"]
            after.statement.needIDs += hidden
            after.statement.agendaItemIDs += hiddenAgenda
            try connection.query(ThreadRepository.update(id, after))
            try connection.query(ThreadRepository.link(id, after.statement))
            try ThreadsAudit.record(
                after.status != before.status ? "thread.\(after.status.rawValue)" : "thread.updated", "thread", id,
                by: caller, from: origin, shielded: current.chathamHouse && context.role != .convenor, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// A convenor locks a thread (no more posts or edits) or unlocks it.
    public func setLocked(
        _ id: UUID, _ locked: Bool, ifVersion matches: (Int64) throws -> Void, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Thread {
        try pool.withTransaction { connection in
            let current = try find(id, for: caller, on: connection, locking: true)
            try CommunityAccess.authorize(caller, .moderateThreads, in: current.communityID, on: connection)
            guard current.locked != locked else {
                throw ThreadsError.conflict(
                    .invalidTransition, detail: locked ? "The thread is locked already." : "The thread is not locked.")
            }
            try matches(current.version)
            try connection.query(ThreadRepository.setLocked(id, locked))
            try ThreadsAudit.record(
                locked ? "thread.locked" : "thread.unlocked", "thread", id, by: caller, from: origin, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// The thread's author or a convenor marks a standing post of the thread as its outcome: the
    /// thread is resolved, and its followers are told.
    public func markOutcome(
        _ id: UUID, post: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Thread {
        try pool.withTransaction { connection in
            let current = try find(id, for: caller, on: connection, locking: true)
            let context = try authorizeOutcome(current, caller, on: connection)
            guard current.outcomePostID == nil else {
                throw ThreadsError.conflict(
                    .outcomeExists, detail: "The thread has an outcome already: unmark it first.")
            }
            guard current.status != .archived else {
                throw ThreadsError.conflict(.threadArchived, detail: "The thread is archived.")
            }
            guard try connection.single(PostRepository.standing(post, in: id))["standing"] as Bool else {
                throw AccessError.invalid("post_id", "is not a post of this thread that is still shown")
            }
            try matches(current.version)
            try connection.query(ThreadRepository.setOutcome(id, post))
            let followers: [UUID] = try connection.query(SubscriptionRepository.followers(of: .thread, id)) {
                try $0["account_id"]
            }
            try Notifications.notify(
                followers.filter { $0 != caller.accountID }, kind: "thread.resolved", subjectType: "thread",
                subject: id,
                community: current.communityID, summary: ThreadsNotifications.summary(thread: id, title: current.title),
                on: connection)
            try ThreadsAudit.record(
                "thread.outcome_marked", "thread", id, by: caller, from: origin,
                shielded: current.chathamHouse && context.role != .convenor, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// Unmarks the outcome: the thread is open again.
    public func unmarkOutcome(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin
    ) throws -> Thread {
        try pool.withTransaction { connection in
            let current = try find(id, for: caller, on: connection, locking: true)
            let context = try authorizeOutcome(current, caller, on: connection)
            guard current.outcomePostID != nil, current.status == .resolved else {
                throw ThreadsError.conflict(.noOutcome, detail: "The thread has no outcome to unmark.")
            }
            try matches(current.version)
            try connection.query(ThreadRepository.setOutcome(id, nil))
            try ThreadsAudit.record(
                "thread.outcome_unmarked", "thread", id, by: caller, from: origin,
                shielded: current.chathamHouse && context.role != .convenor, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// Who posted, by country, region, sector and organisation kind, small cells suppressed. Under
    /// the Chatham House rule it is published once the thread is archived: while posts still
    /// arrive, a figure that moves with one post would tell where its author is from.
    public func participation(of id: UUID, for caller: Caller) throws -> ThreadParticipation {
        try pool.withConnection { connection in
            let thread = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readThreads, in: thread.communityID, on: connection)
            if thread.chathamHouse && thread.status != .archived {
                throw ThreadsError.conflict(
                    .threadNotArchived,
                    detail: "Who took part in a Chatham House thread is published once the thread is archived.")
            }
            let minimum: Int = try connection.single(ThreadRepository.minimumCellSize(of: thread.communityID))[
                "min_cell_size"]
            let groups = try connection.query(ThreadRepository.participation(of: id)) {
                PeopleBreakdown.Group(
                    sector: try $0["sector"], country: try $0["country"], kind: try $0["kind"], count: try $0["count"])
            }
            return ThreadParticipation(minimumCellSize: minimum, breakdown: PeopleBreakdown(groups, minimum: minimum))
        }
    }

    private func authorizeOutcome(_ thread: Thread, _ caller: Caller, on connection: Connection) throws
        -> CommunityContext
    {
        let context = try CommunityAccess.authorize(caller, .writePosts, in: thread.communityID, on: connection)
        guard thread.createdByCaller || context.role == .convenor else {
            throw ThreadsError.refused(.authorOnly, detail: "Only the thread's author or a convenor marks its outcome.")
        }
        return context
    }

    func find(_ id: UUID, for caller: Caller, on connection: Connection, locking: Bool = false) throws -> Thread {
        let sql = locking ? ThreadRepository.lock(id, for: caller) : ThreadRepository.find(id, for: caller)
        guard let row = try connection.query(sql).first else { throw AccessError.notFound }
        return try ThreadRepository.thread(row)
    }

    private func checkLinks(
        _ needs: [UUID], _ agendaItems: [UUID], in community: UUID, for caller: Caller, on connection: Connection
    ) throws {
        guard !needs.isEmpty || !agendaItems.isEmpty else { return }
        var validation = Validation()
        for row in try connection.query(ThreadRepository.unknownLinks(needs, agendaItems, in: community, for: caller)) {
            let field: String = try row["field"]
            let position: Int = try row["position"]
            validation.add("\(field)[\(position)]", "is not one of this community's that you can see")
        }
        try validation.check()
    }

    static func validation(of statement: ThreadStatement) -> Validation {
        var validation = Validation()
        validation.text(statement.title, "title", length: 1...200)
        validation.text(statement.problem, "problem", length: 0...20000, multiline: true)
        for (field, ids) in [
            ("theme_ids", statement.themeIDs), ("need_ids", statement.needIDs),
            ("agenda_item_ids", statement.agendaItemIDs),
        ] {
            if ids.count > 20 { validation.add(field, "must hold at most 20 ids") }
            if Set(ids).count != ids.count { validation.add(field, "must not name one twice") }
        }
        return validation
    }
}
