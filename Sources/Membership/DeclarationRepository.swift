import Foundation
import Postgres

/// SQL for declarations of interest: a person reads and changes only their own (parameter 1).
enum DeclarationRepository {
    static let columns = "d.id, d.community_id, d.description, d.theme_ids::text[], d.created_at, d.withdrawn_at"
    static let insert = Statement(
        "declaration_insert",
        "INSERT INTO declarations (id, account_id, community_id, description, theme_ids) VALUES ($1, $2, $3, $4, $5::uuid[])")
    static let find = Statement(
        "declaration_find", "SELECT \(columns) FROM declarations d WHERE d.id = $2 AND d.account_id = $1")
    static let list = Statement(
        "declaration_list",
        """
        SELECT \(columns) FROM declarations d
        WHERE d.account_id = $1 AND ($2::boolean OR d.withdrawn_at IS NULL) AND ($3::uuid IS NULL OR d.id > $3)
        ORDER BY d.id LIMIT $4
        """)
    static let withdraw = Statement(
        "declaration_withdraw",
        "UPDATE declarations SET withdrawn_at = now() WHERE id = $2 AND account_id = $1 AND withdrawn_at IS NULL RETURNING id")

    static func declaration(_ row: Row) throws -> Declaration {
        Declaration(
            id: try row.uuid(0), communityID: row.isNull(1) ? nil : try row.uuid(1), description: try row.string(2),
            themeIDs: try row.stringArray(3).compactMap(UUID.init(uuidString:)), createdAt: try row.date(4),
            withdrawnAt: try row.optionalDate(5))
    }
}
