import AccessControl
import Foundation
import Needs
import Postgres

public enum SubscriptionSubject: String, Sendable, CaseIterable {
    case thread, theme, community
}

/// Something a person follows.
public struct Subscription: Sendable, Equatable {
    public var subject: SubscriptionSubject
    public var subjectID: UUID
    public var createdAt: Date
}

/// SQL for what people follow. A subscription is listed only while its subject is visible.
enum SubscriptionRepository {
    static func follow(_ subject: SubscriptionSubject, _ id: UUID, by account: UUID) -> SQL {
        """
        INSERT INTO subscriptions (account_id, subject_type, subject_id) VALUES (\(account), \(subject.rawValue), \(id))
        ON CONFLICT DO NOTHING RETURNING created_at
        """
    }

    /// Ends a subscription whose subject the caller still sees (one they do not is not there).
    static func unfollow(_ subject: SubscriptionSubject, _ id: UUID, for caller: Caller) -> SQL {
        """
        DELETE FROM subscriptions s WHERE s.account_id = \(caller.accountID) AND s.subject_type = \(subject.rawValue)
        AND s.subject_id = \(id) AND \(visible(caller)) RETURNING 1
        """
    }

    static func followers(of subject: SubscriptionSubject, _ id: UUID) -> SQL {
        "SELECT account_id FROM subscriptions WHERE subject_type = \(subject.rawValue) AND subject_id = \(id)"
    }

    static func followers(ofCommunity community: UUID, orThemes themes: [UUID]) -> SQL {
        """
        SELECT DISTINCT account_id FROM subscriptions
        WHERE (subject_type = 'community' AND subject_id = \(community))
           OR (subject_type = 'theme' AND subject_id = ANY(\(themes)::uuid[]))
        """
    }

    /// Whether the caller sees the subject (alias `s`) of a subscription.
    static func visible(_ caller: Caller) -> SQL {
        """
        ((s.subject_type = 'thread' AND EXISTS (SELECT 1 FROM threads t WHERE t.id = s.subject_id
                                                AND \(Visibility.thread(caller))))
         OR (s.subject_type = 'theme' AND EXISTS (SELECT 1 FROM themes th WHERE th.id = s.subject_id
                                                  AND \(Visibility.theme(caller))))
         OR (s.subject_type = 'community' AND EXISTS (SELECT 1 FROM communities c WHERE c.id = s.subject_id
                                                      AND \(Visibility.communityInside(caller)))))
        """
    }

    /// Whether the caller may follow the subject now, and the community it lives in.
    static func subject(_ subject: SubscriptionSubject, _ id: UUID, for caller: Caller) -> SQL {
        let community: SQL
        switch subject {
        case .thread: community = "(SELECT t.community_id FROM threads t WHERE t.id = s.subject_id)"
        case .theme: community = "(SELECT th.community_id FROM themes th WHERE th.id = s.subject_id)"
        case .community: community = "s.subject_id"
        }
        return """
            SELECT \(community) AS community_id FROM (SELECT \(subject.rawValue)::text AS subject_type,
                                                            \(id)::uuid AS subject_id) s
            WHERE \(visible(caller))
            """
    }

    static func list(after: (type: String, id: UUID)?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT s.subject_type, s.subject_id, s.created_at FROM subscriptions s
        WHERE s.account_id = \(caller.accountID) AND \(visible(caller))
          AND (\(after?.id)::uuid IS NULL OR (s.subject_type, s.subject_id) > (\(after?.type)::text, \(after?.id)::uuid))
        ORDER BY s.subject_type, s.subject_id LIMIT \(limit)
        """
    }

    static func subscription(_ row: Row) throws -> Subscription {
        Subscription(
            subject: try row["subject_type"], subjectID: try row["subject_id"], createdAt: try row["created_at"])
    }
}

/// What a person follows: a thread (its new posts and outcome), a theme or a community (their new
/// threads). Following needs the subject to be visible; what is no longer visible is not listed.
public struct SubscriptionService: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func follow(_ subject: SubscriptionSubject, _ id: UUID, by caller: Caller) throws -> Subscription {
        try pool.withTransaction { connection in
            guard let row = try connection.query(SubscriptionRepository.subject(subject, id, for: caller)).first,
                let community = try row["community_id"] as UUID?
            else {
                try Policy.authorize(caller, .readThreads)
                throw AccessError.notFound
            }
            try CommunityAccess.authorize(caller, .readThreads, in: community, on: connection)
            guard
                let created = try connection.query(SubscriptionRepository.follow(subject, id, by: caller.accountID))
                    .first
            else {
                throw ThreadsError.conflict(.alreadySubscribed, detail: "You follow this already.")
            }
            return Subscription(subject: subject, subjectID: id, createdAt: try created["created_at"])
        }
    }

    public func unfollow(_ subject: SubscriptionSubject, _ id: UUID, by caller: Caller) throws {
        try Policy.authorize(caller, .readThreads)
        try pool.withConnection { connection in
            guard !(try connection.query(SubscriptionRepository.unfollow(subject, id, for: caller)).isEmpty)
            else { throw AccessError.notFound }
        }
    }

    public func subscriptions(after: (type: String, id: UUID)?, limit: Int, for caller: Caller) throws
        -> [Subscription]
    {
        try Policy.authorize(caller, .readThreads)
        return try pool.withConnection { connection in
            try connection.query(
                SubscriptionRepository.list(after: after, limit: limit, for: caller),
                decode: SubscriptionRepository.subscription)
        }
    }
}

extension SubscriptionSubject: PostgresTextDecodable {}
