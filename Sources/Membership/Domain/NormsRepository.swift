import AccessControl
import Foundation
import Postgres

/// SQL for norms, acceptances and amendments. Reads include a `Visibility` predicate for the caller.
enum NormsRepository {
    static func versionColumns(for caller: Caller) -> SQL {
        """
        n.community_id, n.version, n.text, p.id AS published_by_id, p.display_name AS published_by_name,
        n.published_at, c.norms_version = n.version AS is_current,
        (SELECT na.accepted_at FROM norm_acceptances na
         WHERE na.community_id = n.community_id AND na.version = n.version AND na.account_id = \(caller.accountID))
            AS accepted_at,
        (SELECT count(*) FROM norm_acceptances na WHERE na.community_id = n.community_id AND na.version = n.version)
            AS acceptance_count
        """
    }

    static let versionSource: SQL = """
        norm_versions n JOIN communities c ON c.id = n.community_id JOIN accounts p ON p.id = n.published_by
        """

    /// Newest first; `before` is the version the previous page ended at.
    static func versions(of community: UUID, before: Int?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT \(versionColumns(for: caller)) FROM \(versionSource)
        WHERE n.community_id = \(community) AND \(Visibility.communityInside(caller))
          AND (\(before)::integer IS NULL OR n.version < \(before))
        ORDER BY n.version DESC LIMIT \(limit)
        """
    }

    static func version(_ version: Int, of community: UUID, for caller: Caller) -> SQL {
        """
        SELECT \(versionColumns(for: caller)) FROM \(versionSource)
        WHERE n.community_id = \(community) AND n.version = \(version) AND \(Visibility.communityInside(caller))
        """
    }

    /// Publishes the next version and makes it the community's current one; returns its number.
    static func publish(_ text: String, in community: UUID, by publisher: UUID) -> SQL {
        """
        WITH next AS (SELECT coalesce(norms_version, 0) + 1 AS version FROM communities WHERE id = \(community)),
             published AS (INSERT INTO norm_versions (community_id, version, text, published_by)
                           SELECT \(community), next.version, \(text), \(publisher) FROM next RETURNING version)
        UPDATE communities SET norms_version = published.version FROM published WHERE id = \(community)
        RETURNING published.version
        """
    }

    static func currentVersion(of community: UUID) -> SQL {
        "SELECT norms_version FROM communities WHERE id = \(community)"
    }

    static func accept(_ version: Int, of community: UUID, by account: UUID) -> SQL {
        "INSERT INTO norm_acceptances (community_id, version, account_id) VALUES (\(community), \(version), \(account))"
    }

    static let acceptanceColumns: SQL = """
        na.community_id, na.version, a.id AS account_id, a.display_name AS account_name, na.accepted_at
        """

    static func acceptances(of version: Int, in community: UUID, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT \(acceptanceColumns)
        FROM norm_acceptances na JOIN accounts a ON a.id = na.account_id JOIN communities c ON c.id = na.community_id
        WHERE na.community_id = \(community) AND na.version = \(version) AND \(Visibility.communityInside(caller))
          AND \(SQL.keyset("a.id", after: after))
        ORDER BY a.id LIMIT \(limit)
        """
    }

    static func acceptance(of version: Int, in community: UUID, by account: UUID) -> SQL {
        """
        SELECT \(acceptanceColumns)
        FROM norm_acceptances na JOIN accounts a ON a.id = na.account_id
        WHERE na.community_id = \(community) AND na.version = \(version) AND na.account_id = \(account)
        """
    }

    static func amendmentColumns(for caller: Caller) -> SQL {
        """
        am.id, am.community_id, am.base_version, am.text, am.rationale, p.id AS proposed_by_id,
        p.display_name AS proposed_by_name, am.status, am.decision_reason, d.id AS decided_by_id,
        d.display_name AS decided_by_name, am.decided_at, am.adopted_version,
        (SELECT count(*) FROM amendment_endorsements e WHERE e.amendment_id = am.id) AS endorsement_count,
        EXISTS (SELECT 1 FROM amendment_endorsements e
                WHERE e.amendment_id = am.id AND e.account_id = \(caller.accountID)) AS endorsed,
        am.version, am.created_at
        """
    }

    static let amendmentSource: SQL = """
        norm_amendments am JOIN communities c ON c.id = am.community_id JOIN accounts p ON p.id = am.proposed_by
        LEFT JOIN accounts d ON d.id = am.decided_by
        """

    static func insertAmendment(
        _ id: UUID, in community: UUID, baseVersion: Int, text: String, rationale: String, by proposer: UUID
    ) -> SQL {
        """
        INSERT INTO norm_amendments (id, community_id, base_version, text, rationale, proposed_by)
        VALUES (\(id), \(community), \(baseVersion), \(text), \(rationale), \(proposer))
        """
    }

    static func amendment(_ id: UUID, for caller: Caller) -> SQL {
        """
        SELECT \(amendmentColumns(for: caller)) FROM \(amendmentSource)
        WHERE am.id = \(id) AND \(Visibility.communityInside(caller))
        """
    }

    static func lockAmendment(_ id: UUID, for caller: Caller) -> SQL {
        "\(amendment(id, for: caller)) FOR UPDATE OF am"
    }

    static func amendments(
        in community: UUID, status: AmendmentStatus?, after: UUID?, limit: Int, for caller: Caller
    ) -> SQL {
        let status = status?.rawValue
        return """
            SELECT \(amendmentColumns(for: caller)) FROM \(amendmentSource)
            WHERE am.community_id = \(community) AND \(Visibility.communityInside(caller))
              AND (\(status)::text IS NULL OR am.status = \(status)) AND \(SQL.keyset("am.id", after: after))
            ORDER BY am.id LIMIT \(limit)
            """
    }

    /// An endorsement changes the amendment's representation, so it bumps its version.
    static func endorse(_ id: UUID, by account: UUID) -> SQL {
        """
        WITH endorsed AS (INSERT INTO amendment_endorsements (amendment_id, account_id) VALUES (\(id), \(account)))
        UPDATE norm_amendments SET version = version + 1 WHERE id = \(id)
        """
    }

    static func decide(
        _ id: UUID, as status: AmendmentStatus, reason: String?, by decider: UUID, adoptedVersion: Int?
    ) -> SQL {
        """
        UPDATE norm_amendments SET status = \(status.rawValue), decision_reason = \(reason), decided_by = \(decider),
               decided_at = now(), adopted_version = \(adoptedVersion), version = version + 1
        WHERE id = \(id)
        """
    }

    static func version(_ row: Row) throws -> NormsVersion {
        NormsVersion(
            communityID: try row["community_id"], version: try row["version"], text: try row["text"],
            publishedBy: PersonSummary(id: try row["published_by_id"], displayName: try row["published_by_name"]),
            publishedAt: try row["published_at"], isCurrent: try row["is_current"], acceptedAt: try row["accepted_at"],
            acceptanceCount: try row["acceptance_count"])
    }

    static func acceptance(_ row: Row) throws -> NormsAcceptance {
        NormsAcceptance(
            communityID: try row["community_id"], version: try row["version"],
            account: PersonSummary(id: try row["account_id"], displayName: try row["account_name"]),
            acceptedAt: try row["accepted_at"])
    }

    static func amendment(_ row: Row) throws -> Amendment {
        Amendment(
            id: try row["id"], communityID: try row["community_id"], baseVersion: try row["base_version"],
            text: try row["text"], rationale: try row["rationale"],
            proposedBy: PersonSummary(id: try row["proposed_by_id"], displayName: try row["proposed_by_name"]),
            status: try row["status"], decisionReason: try row["decision_reason"],
            decidedBy: try (row["decided_by_id"] as UUID?).map { id in
                PersonSummary(id: id, displayName: try row["decided_by_name"])
            },
            decidedAt: try row["decided_at"], adoptedVersion: try row["adopted_version"],
            endorsementCount: try row["endorsement_count"], endorsed: try row["endorsed"], version: try row["version"],
            createdAt: try row["created_at"])
    }
}

extension AmendmentStatus: PostgresTextDecodable {}
