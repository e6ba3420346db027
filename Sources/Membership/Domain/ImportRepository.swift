import AccessControl
import Foundation
import Postgres

/// SQL for bulk imports: seen by whoever started one and by the community's convenors.
enum ImportRepository {
    static let columns: SQL = """
        mi.id, mi.community_id, mi.dry_run, mi.status, mi.total_rows, mi.processed_rows, mi.results::text AS results,
        mi.created_at, mi.finished_at
        """

    static func insert(
        _ id: UUID, in community: UUID, by account: UUID, dryRun: Bool, csv: String, totalRows: Int
    ) -> SQL {
        """
        INSERT INTO member_imports (id, community_id, account_id, dry_run, csv, total_rows)
        VALUES (\(id), \(community), \(account), \(dryRun), \(csv), \(totalRows))
        """
    }

    static func find(_ id: UUID, for caller: Caller) -> SQL {
        """
        SELECT \(columns) FROM member_imports mi WHERE mi.id = \(id) AND \(Visibility.personalRequest("mi", caller))
        """
    }

    /// Returns the file only when the import was still queued.
    static func start(_ id: UUID) -> SQL {
        """
        UPDATE member_imports SET status = 'running', updated_at = now() WHERE id = \(id) AND status = 'queued'
        RETURNING csv
        """
    }

    /// `results` is a JSON array, appended to those already recorded.
    static func progress(_ id: UUID, processedRows: Int, results: String) -> SQL {
        """
        UPDATE member_imports SET processed_rows = \(processedRows), results = results || \(results)::jsonb,
               updated_at = now()
        WHERE id = \(id)
        """
    }

    static func finish(_ id: UUID, as status: ImportStatus) -> SQL {
        """
        UPDATE member_imports SET status = \(status.rawValue), updated_at = now(), finished_at = now()
        WHERE id = \(id)
        """
    }

    /// Up to two organisations of that name: more than one is ambiguous.
    static func organisations(named name: String) -> SQL {
        "SELECT id FROM organisations WHERE lower(name) = lower(\(name)) LIMIT 2"
    }

    static func memberImport(_ row: Row) throws -> MemberImport {
        MemberImport(
            id: try row["id"], communityID: try row["community_id"], dryRun: try row["dry_run"],
            status: try row["status"], totalRows: try row["total_rows"], processedRows: try row["processed_rows"],
            results: try JSONDecoder().decode([ImportRowResult].self, from: Data(try row.json("results"))),
            createdAt: try row["created_at"], finishedAt: try row["finished_at"])
    }
}

extension ImportStatus: PostgresTextDecodable {}
