import AccessControl
import Crypto
import Foundation
import Postgres

public enum FlagStatus: String, Sendable, CaseIterable {
    case open, hidden, dismissed
}

/// A member's flag on a post, for the convenors.
public struct Flag: Sendable, Equatable {
    public var id: UUID
    public var postID: UUID
    public var threadID: UUID
    public var reason: String
    public var status: FlagStatus
    public var flaggedBy: PersonSummary
    public var createdAt: Date
    public var resolvedAt: Date?
}

public enum RevealStatus: String, Sendable, CaseIterable {
    case pending, approved, declined
}

/// A convenor's request to learn who wrote a Chatham House post. `author` is set only for the
/// convenor who asked, once a second convenor approved.
public struct Reveal: Sendable, Equatable {
    public var id: UUID
    public var postID: UUID
    public var threadID: UUID
    public var reason: String
    public var status: RevealStatus
    public var requestedBy: PersonSummary
    public var decidedBy: PersonSummary?
    public var author: PersonSummary?
    public var createdAt: Date
    public var decidedAt: Date?
}

/// SQL for flags and reveals; each read joins the post's thread (alias `t`) through
/// `Visibility.thread`.
enum ModerationRepository {
    static let flagColumns: SQL = """
        f.id, f.post_id, p.thread_id, f.reason, f.status, f.account_id, flagger.display_name AS flagger_name,
        f.created_at, f.resolved_at
        """

    static func flag(_ id: UUID, on post: UUID, community: UUID, by account: UUID, reason: String) -> SQL {
        """
        INSERT INTO post_flags (id, post_id, community_id, account_id, reason)
        VALUES (\(id), \(post), \(community), \(account), \(reason)) ON CONFLICT DO NOTHING RETURNING id
        """
    }

    static func findFlag(_ id: UUID, for caller: Caller) -> SQL {
        """
        SELECT \(flagColumns), f.community_id FROM post_flags f JOIN posts p ON p.id = f.post_id
        JOIN threads t ON t.id = p.thread_id JOIN accounts flagger ON flagger.id = f.account_id
        WHERE f.id = \(id) AND \(Visibility.thread(caller))
          AND (f.account_id = \(caller.accountID) OR \(Visibility.convenor(of: "f.community_id", caller)))
        """
    }

    static func flags(in community: UUID, status: FlagStatus?, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT \(flagColumns) FROM post_flags f JOIN posts p ON p.id = f.post_id JOIN threads t ON t.id = p.thread_id
        JOIN accounts flagger ON flagger.id = f.account_id
        WHERE f.community_id = \(community) AND \(Visibility.thread(caller))
          AND (\(status?.rawValue)::text IS NULL OR f.status = \(status?.rawValue))
          AND \(SQL.keyset("f.id", after: after))
        ORDER BY f.id LIMIT \(limit)
        """
    }

    static func resolveFlag(_ id: UUID, _ status: FlagStatus, by account: UUID) -> SQL {
        """
        UPDATE post_flags SET status = \(status.rawValue), resolved_by = \(account), resolved_at = now()
        WHERE id = \(id) AND status = 'open' RETURNING id
        """
    }

    /// Hides the post (nil `reason` shows it again); hiding resolves its open flags.
    static func setHidden(_ post: UUID, reason: String?, by account: UUID) -> SQL {
        """
        WITH flags_resolved AS (
            UPDATE post_flags SET status = 'hidden', resolved_by = \(account), resolved_at = now()
            WHERE post_id = \(post) AND status = 'open' AND \(reason)::text IS NOT NULL)
        UPDATE posts SET hidden_at = CASE WHEN \(reason)::text IS NULL THEN NULL ELSE now() END,
               hidden_reason = \(reason), version = version + 1, updated_at = now()
        WHERE id = \(post)
        """
    }

    static func revealColumns(_ caller: Caller) -> SQL {
        """
        r.id, r.post_id, p.thread_id, r.reason, r.status, r.requested_by, requester.display_name AS requester_name,
        r.decided_by, decider.display_name AS decider_name, r.created_at, r.decided_at,
        CASE WHEN r.status = 'approved' AND r.requested_by = \(caller.accountID) THEN p.author_id END AS author_id,
        CASE WHEN r.status = 'approved' AND r.requested_by = \(caller.accountID) THEN author.display_name END
            AS author_name
        """
    }

    static let revealSources: SQL = """
        author_reveals r JOIN posts p ON p.id = r.post_id JOIN threads t ON t.id = p.thread_id
        JOIN accounts requester ON requester.id = r.requested_by LEFT JOIN accounts decider ON decider.id = r.decided_by
        JOIN accounts author ON author.id = p.author_id
        """

    static func requestReveal(_ id: UUID, of post: UUID, community: UUID, by account: UUID, reason: String) -> SQL {
        """
        INSERT INTO author_reveals (id, post_id, community_id, requested_by, reason)
        VALUES (\(id), \(post), \(community), \(account), \(reason))
        """
    }

    /// Convenors of the community who see the post's thread read its reveals.
    static func findReveal(_ id: UUID, for caller: Caller, locking: Bool = false) -> SQL {
        """
        SELECT \(revealColumns(caller)), r.community_id FROM \(revealSources)
        WHERE r.id = \(id) AND \(Visibility.thread(caller)) AND \(Visibility.convenor(of: "r.community_id", caller))
        \(locking ? "FOR UPDATE OF r" : "" as SQL)
        """
    }

    static func reveals(in community: UUID, status: RevealStatus?, after: UUID?, limit: Int, for caller: Caller)
        -> SQL
    {
        """
        SELECT \(revealColumns(caller)) FROM \(revealSources)
        WHERE r.community_id = \(community) AND \(Visibility.thread(caller))
          AND (\(status?.rawValue)::text IS NULL OR r.status = \(status?.rawValue))
          AND \(SQL.keyset("r.id", after: after))
        ORDER BY r.id LIMIT \(limit)
        """
    }

    static func decide(_ id: UUID, _ status: RevealStatus, by account: UUID) -> SQL {
        """
        UPDATE author_reveals SET status = \(status.rawValue), decided_by = \(account), decided_at = now()
        WHERE id = \(id) RETURNING post_id
        """
    }

    static func flag(_ row: Row) throws -> Flag {
        Flag(
            id: try row["id"], postID: try row["post_id"], threadID: try row["thread_id"], reason: try row["reason"],
            status: try row["status"],
            flaggedBy: PersonSummary(id: try row["account_id"], displayName: try row["flagger_name"]),
            createdAt: try row["created_at"], resolvedAt: try row["resolved_at"])
    }

    static func reveal(_ row: Row) throws -> Reveal {
        func person(_ id: String, _ name: String) throws -> PersonSummary? {
            let id: UUID? = try row[id]
            let name: String? = try row[name]
            return id.map { PersonSummary(id: $0, displayName: name ?? "") }
        }
        return Reveal(
            id: try row["id"], postID: try row["post_id"], threadID: try row["thread_id"], reason: try row["reason"],
            status: try row["status"],
            requestedBy: PersonSummary(id: try row["requested_by"], displayName: try row["requester_name"]),
            decidedBy: try person("decided_by", "decider_name"), author: try person("author_id", "author_name"),
            createdAt: try row["created_at"], decidedAt: try row["decided_at"])
    }
}

/// Moderation: members flag posts; convenors read the queue, hide and show posts (others then
/// see that the post is hidden and why), dismiss flags, and ask to learn who wrote a Chatham
/// House post: a second convenor approves, the asker alone then sees the name, and the author is
/// told. All of it audited.
public struct ModerationService: Sendable {
    let pool: ConnectionPool
    let posts: PostService

    public init(pool: ConnectionPool) {
        self.pool = pool
        posts = PostService(pool: pool)
    }

    public func flag(_ post: UUID, reason: String, by caller: Caller, from origin: RequestOrigin) throws -> Flag {
        try pool.withTransaction { connection in
            let current = try posts.find(post, for: caller, on: connection, locking: true)
            try CommunityAccess.authorize(caller, .flagPosts, in: current.communityID, on: connection)
            var validation = Validation()
            validation.text(reason, "reason", length: 1...1000, multiline: true)
            try validation.check()
            guard !current.writtenByCaller else {
                throw ThreadsError.conflict(.ownPost, detail: "Authors delete or edit their own posts.")
            }
            guard current.state != .deleted else {
                throw ThreadsError.conflict(.postDeleted, detail: "The post was deleted.")
            }
            let id = UUIDv7.make()
            guard
                !(try connection.query(
                    ModerationRepository.flag(
                        id, on: post, community: current.communityID, by: caller.accountID,
                        reason: reason)
                ).isEmpty)
            else { throw ThreadsError.conflict(.alreadyFlagged, detail: "You flagged this post already.") }
            try ThreadsAudit.record("post.flagged", "post", post, by: caller, from: origin, on: connection)
            return try findFlag(id, for: caller, on: connection)
        }
    }

    public func flags(in community: UUID, status: FlagStatus?, after: UUID?, limit: Int, for caller: Caller) throws
        -> [Flag]
    {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readModeration, in: community, on: connection)
            return try connection.query(
                ModerationRepository.flags(in: community, status: status, after: after, limit: limit, for: caller),
                decode: ModerationRepository.flag)
        }
    }

    public func dismiss(_ id: UUID, by caller: Caller, from origin: RequestOrigin) throws -> Flag {
        try pool.withTransaction { connection in
            guard let row = try connection.query(ModerationRepository.findFlag(id, for: caller)).first else {
                throw AccessError.notFound
            }
            try CommunityAccess.authorize(caller, .moderateThreads, in: try row["community_id"], on: connection)
            guard
                !(try connection.query(ModerationRepository.resolveFlag(id, .dismissed, by: caller.accountID)).isEmpty)
            else { throw ThreadsError.conflict(.invalidTransition, detail: "The flag was resolved already.") }
            try ThreadsAudit.record(
                "post.flag_dismissed", "post", try row["post_id"], by: caller, from: origin, on: connection)
            return try findFlag(id, for: caller, on: connection)
        }
    }

    /// Hides a post (with `reason`) or, with nil, shows it again.
    public func setHidden(
        _ post: UUID, reason: String?, ifVersion matches: (Int64) throws -> Void, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Post {
        try pool.withTransaction { connection in
            let current = try posts.find(post, for: caller, on: connection, locking: true)
            try CommunityAccess.authorize(caller, .moderateThreads, in: current.communityID, on: connection)
            if let reason {
                var validation = Validation()
                validation.text(reason, "reason", length: 1...1000, multiline: true)
                try validation.check()
            }
            switch (current.state, reason) {
            case (.deleted, _): throw ThreadsError.conflict(.postDeleted, detail: "The post was deleted.")
            case (.hidden, .some): throw ThreadsError.conflict(.alreadyHidden, detail: "The post is hidden already.")
            case (.visible, nil): throw ThreadsError.conflict(.notHidden, detail: "The post is not hidden.")
            default: break
            }
            try matches(current.version)
            try connection.query(ModerationRepository.setHidden(post, reason: reason, by: caller.accountID))
            if reason != nil {
                let author: UUID? = try connection.single(PostRepository.authorOf(post))["author_id"]
                try Notifications.notify(
                    [author].compactMap { $0 }, kind: "post.hidden", subjectType: "post", subject: post,
                    community: current.communityID,
                    summary: ThreadsNotifications.summary(thread: current.threadID, title: nil, post: post),
                    on: connection)
            }
            try ThreadsAudit.record(
                reason == nil ? "post.unhidden" : "post.hidden", "post", post, by: caller, from: origin, on: connection)
            return try posts.find(post, for: caller, on: connection)
        }
    }

    /// A convenor asks who wrote a Chatham House post that is not on the record.
    public func requestReveal(_ post: UUID, reason: String, by caller: Caller, from origin: RequestOrigin) throws
        -> Reveal
    {
        try pool.withTransaction { connection in
            let current = try posts.find(post, for: caller, on: connection, locking: true)
            try CommunityAccess.authorize(caller, .moderateThreads, in: current.communityID, on: connection)
            var validation = Validation()
            validation.text(reason, "reason", length: 1...2000, multiline: true)
            try validation.check()
            guard !current.writtenByCaller else {
                throw ThreadsError.conflict(.ownPost, detail: "You wrote this post.")
            }
            guard current.author == nil, current.state != .deleted else {
                throw ThreadsError.conflict(
                    .notChathamHouse, detail: "Who wrote this post is not hidden from you: there is nothing to reveal.")
            }
            let id = UUIDv7.make()
            try connection.query(
                ModerationRepository.requestReveal(
                    id, of: post, community: current.communityID, by: caller.accountID, reason: reason))
            try ThreadsAudit.record("post.reveal_requested", "post", post, by: caller, from: origin, on: connection)
            return try findReveal(id, for: caller, on: connection)
        }
    }

    public func reveal(_ id: UUID, for caller: Caller) throws -> Reveal {
        try pool.withConnection { connection in
            guard let row = try connection.query(ModerationRepository.findReveal(id, for: caller)).first else {
                throw AccessError.notFound
            }
            try CommunityAccess.authorize(caller, .readModeration, in: try row["community_id"], on: connection)
            return try ModerationRepository.reveal(row)
        }
    }

    public func reveals(in community: UUID, status: RevealStatus?, after: UUID?, limit: Int, for caller: Caller)
        throws -> [Reveal]
    {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readModeration, in: community, on: connection)
            return try connection.query(
                ModerationRepository.reveals(in: community, status: status, after: after, limit: limit, for: caller),
                decode: ModerationRepository.reveal)
        }
    }

    /// A second convenor approves or declines; on approval the author is told.
    public func decide(_ id: UUID, _ status: RevealStatus, by caller: Caller, from origin: RequestOrigin) throws
        -> Reveal
    {
        try pool.withTransaction { connection in
            guard let row = try connection.query(ModerationRepository.findReveal(id, for: caller, locking: true)).first
            else { throw AccessError.notFound }
            let community: UUID = try row["community_id"]
            try CommunityAccess.authorize(caller, .moderateThreads, in: community, on: connection)
            let current = try ModerationRepository.reveal(row)
            guard current.requestedBy.id != caller.accountID else {
                throw ThreadsError.refused(
                    .secondConvenorRequired, detail: "Another convenor decides on a reveal you asked for.")
            }
            guard current.status == .pending else {
                throw ThreadsError.conflict(.alreadyDecided, detail: "The reveal was decided already.")
            }
            try connection.query(ModerationRepository.decide(id, status, by: caller.accountID))
            if status == .approved {
                // What the asker sees of the post changed.
                try connection.query(PostRepository.touch(current.postID))
                let author: UUID? = try connection.single(PostRepository.authorOf(current.postID))["author_id"]
                try Notifications.notify(
                    [author].compactMap { $0 }, kind: "post.author_revealed", subjectType: "post",
                    subject: current.postID, community: community,
                    summary: ThreadsNotifications.summary(thread: current.threadID, title: nil, post: current.postID),
                    on: connection)
            }
            try ThreadsAudit.record(
                "post.reveal_\(status.rawValue)", "post", current.postID, by: caller, from: origin, on: connection)
            return try findReveal(id, for: caller, on: connection)
        }
    }

    private func findFlag(_ id: UUID, for caller: Caller, on connection: Connection) throws -> Flag {
        guard let row = try connection.query(ModerationRepository.findFlag(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try ModerationRepository.flag(row)
    }

    private func findReveal(_ id: UUID, for caller: Caller, on connection: Connection) throws -> Reveal {
        guard let row = try connection.query(ModerationRepository.findReveal(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try ModerationRepository.reveal(row)
    }
}

extension FlagStatus: PostgresTextDecodable {}
extension RevealStatus: PostgresTextDecodable {}
