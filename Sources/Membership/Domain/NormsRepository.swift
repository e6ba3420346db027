import AccessControl
import Foundation
import Postgres

/// SQL for norms, acceptances and amendments. Reads include a `Visibility` predicate bound to
/// parameters 1 (the caller's account) and 2 (a token's community restriction).
enum NormsRepository {
    static let versionColumns = """
        n.community_id, n.version, n.text, p.id, p.display_name, n.published_at, c.norms_version = n.version,
        (SELECT na.accepted_at FROM norm_acceptances na
         WHERE na.community_id = n.community_id AND na.version = n.version AND na.account_id = $1),
        (SELECT count(*) FROM norm_acceptances na WHERE na.community_id = n.community_id AND na.version = n.version)
        """
    static let versionSource = """
        norm_versions n JOIN communities c ON c.id = n.community_id JOIN accounts p ON p.id = n.published_by
        """
    static let inside = Visibility.communityInside(account: 1, restriction: 2)

    static let versions = Statement(
        "norms_list",
        """
        SELECT \(versionColumns) FROM \(versionSource)
        WHERE n.community_id = $3 AND \(inside) AND ($4::integer IS NULL OR n.version < $4)
        ORDER BY n.version DESC LIMIT $5
        """)
    static let version = Statement(
        "norms_find",
        "SELECT \(versionColumns) FROM \(versionSource) WHERE n.community_id = $3 AND n.version = $4 AND \(inside)")
    static let publish = Statement(
        "norms_publish",
        """
        WITH next AS (SELECT coalesce(norms_version, 0) + 1 AS version FROM communities WHERE id = $1),
             published AS (INSERT INTO norm_versions (community_id, version, text, published_by)
                           SELECT $1, next.version, $2, $3 FROM next RETURNING version)
        UPDATE communities SET norms_version = published.version FROM published WHERE id = $1
        RETURNING published.version
        """)
    static let currentVersion = Statement("norms_current", "SELECT norms_version FROM communities WHERE id = $1")
    static let accept = Statement(
        "norms_accept", "INSERT INTO norm_acceptances (community_id, version, account_id) VALUES ($1, $2, $3)")
    static let acceptances = Statement(
        "norms_acceptances",
        """
        SELECT na.community_id, na.version, a.id, a.display_name, na.accepted_at
        FROM norm_acceptances na JOIN accounts a ON a.id = na.account_id JOIN communities c ON c.id = na.community_id
        WHERE na.community_id = $3 AND na.version = $4 AND \(inside) AND ($5::uuid IS NULL OR a.id > $5)
        ORDER BY a.id LIMIT $6
        """)
    static let acceptance = Statement(
        "norms_acceptance",
        """
        SELECT na.community_id, na.version, a.id, a.display_name, na.accepted_at
        FROM norm_acceptances na JOIN accounts a ON a.id = na.account_id
        WHERE na.community_id = $1 AND na.version = $2 AND na.account_id = $3
        """)

    static let amendmentColumns = """
        am.id, am.community_id, am.base_version, am.text, am.rationale, p.id, p.display_name, am.status, am.decision_reason,
        d.id, d.display_name, am.decided_at, am.adopted_version,
        (SELECT count(*) FROM amendment_endorsements e WHERE e.amendment_id = am.id),
        EXISTS (SELECT 1 FROM amendment_endorsements e WHERE e.amendment_id = am.id AND e.account_id = $1),
        am.version, am.created_at
        """
    static let amendmentSource = """
        norm_amendments am JOIN communities c ON c.id = am.community_id JOIN accounts p ON p.id = am.proposed_by
        LEFT JOIN accounts d ON d.id = am.decided_by
        """
    static let insertAmendment = Statement(
        "amendment_insert",
        "INSERT INTO norm_amendments (id, community_id, base_version, text, rationale, proposed_by) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    static let amendment = Statement(
        "amendment_find", "SELECT \(amendmentColumns) FROM \(amendmentSource) WHERE am.id = $3 AND \(inside)")
    static let lockAmendment = Statement(
        "amendment_lock",
        "SELECT \(amendmentColumns) FROM \(amendmentSource) WHERE am.id = $3 AND \(inside) FOR UPDATE OF am")
    static let amendments = Statement(
        "amendment_list",
        """
        SELECT \(amendmentColumns) FROM \(amendmentSource)
        WHERE am.community_id = $3 AND \(inside) AND ($4::text IS NULL OR am.status = $4) AND ($5::uuid IS NULL OR am.id > $5)
        ORDER BY am.id LIMIT $6
        """)
    /// An endorsement changes the amendment's representation, so it bumps its version.
    static let endorse = Statement(
        "amendment_endorse",
        """
        WITH endorsed AS (INSERT INTO amendment_endorsements (amendment_id, account_id) VALUES ($1, $2))
        UPDATE norm_amendments SET version = version + 1 WHERE id = $1
        """)
    static let decide = Statement(
        "amendment_decide",
        """
        UPDATE norm_amendments SET status = $2, decision_reason = $3, decided_by = $4, decided_at = now(), adopted_version = $5,
               version = version + 1
        WHERE id = $1
        """)

    static func version(_ row: Row) throws -> NormsVersion {
        NormsVersion(
            communityID: try row.uuid(0), version: try row.int(1), text: try row.string(2),
            publishedBy: PersonSummary(id: try row.uuid(3), displayName: try row.string(4)),
            publishedAt: try row.date(5),
            isCurrent: try row.bool(6), acceptedAt: try row.optionalDate(7), acceptanceCount: try row.int(8))
    }

    static func acceptance(_ row: Row) throws -> NormsAcceptance {
        NormsAcceptance(
            communityID: try row.uuid(0), version: try row.int(1),
            account: PersonSummary(id: try row.uuid(2), displayName: try row.string(3)), acceptedAt: try row.date(4))
    }

    static func amendment(_ row: Row) throws -> Amendment {
        Amendment(
            id: try row.uuid(0), communityID: try row.uuid(1), baseVersion: try row.int(2), text: try row.string(3),
            rationale: try row.string(4),
            proposedBy: PersonSummary(id: try row.uuid(5), displayName: try row.string(6)),
            status: try row.enumeration(7), decisionReason: row.optionalString(8),
            decidedBy: row.isNull(9) ? nil : PersonSummary(id: try row.uuid(9), displayName: try row.string(10)),
            decidedAt: try row.optionalDate(11), adoptedVersion: row.isNull(12) ? nil : try row.int(12),
            endorsementCount: try row.int(13), endorsed: try row.bool(14), version: try row.int64(15),
            createdAt: try row.date(16))
    }
}
