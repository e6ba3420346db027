import AccessControl
import Foundation
import Postgres

/// SQL for bulk imports: seen by whoever started one and by the community's convenors
/// (parameters 1 and 2 as in `Visibility`).
enum ImportRepository {
    static let columns = """
        mi.id, mi.community_id, mi.dry_run, mi.status, mi.total_rows, mi.processed_rows, mi.results::text, mi.created_at,
        mi.finished_at
        """
    static let insert = Statement(
        "import_insert",
        "INSERT INTO member_imports (id, community_id, account_id, dry_run, csv, total_rows) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    static let find = Statement(
        "import_find",
        "SELECT \(columns) FROM member_imports mi WHERE mi.id = $3 AND \(Visibility.personalRequest("mi", account: 1, restriction: 2))"
    )
    static let start = Statement(
        "import_start",
        "UPDATE member_imports SET status = 'running', updated_at = now() WHERE id = $1 AND status = 'queued' RETURNING csv"
    )
    static let progress = Statement(
        "import_progress",
        """
        UPDATE member_imports SET processed_rows = $2, results = results || $3::jsonb, updated_at = now()
        WHERE id = $1
        """)
    static let finish = Statement(
        "import_finish",
        "UPDATE member_imports SET status = $2, updated_at = now(), finished_at = now() WHERE id = $1")
    static let organisation = Statement(
        "import_organisation", "SELECT id FROM organisations WHERE lower(name) = lower($1) LIMIT 2")

    static func memberImport(_ row: Row) throws -> MemberImport {
        MemberImport(
            id: try row.uuid(0), communityID: try row.uuid(1), dryRun: try row.bool(2), status: try row.enumeration(3),
            totalRows: try row.int(4), processedRows: try row.int(5),
            results: try JSONDecoder().decode([ImportRowResult].self, from: Data(try row.string(6).utf8)),
            createdAt: try row.date(7), finishedAt: try row.optionalDate(8))
    }
}
