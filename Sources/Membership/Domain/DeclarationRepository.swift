import AccessControl
import Foundation
import Postgres

/// SQL for declarations of interest: a person reads and changes only their own (parameter 1),
/// and a token restricted to communities (parameter 2) reaches only the declarations naming them.
enum DeclarationRepository {
    static let mine = "d.account_id = $1 AND \(Visibility.withinReach(of: "d.community_id", restriction: 2))"
    static let columns = "d.id, d.community_id, d.description, d.theme_ids::text[], d.created_at, d.withdrawn_at"
    static let insert = Statement(
        "declaration_insert",
        "INSERT INTO declarations (id, account_id, community_id, description, theme_ids) VALUES ($1, $2, $3, $4, $5::uuid[])"
    )
    static let find = Statement(
        "declaration_find", "SELECT \(columns) FROM declarations d WHERE d.id = $3 AND \(mine)")
    static let list = Statement(
        "declaration_list",
        """
        SELECT \(columns) FROM declarations d
        WHERE \(mine) AND ($3::boolean OR d.withdrawn_at IS NULL) AND ($4::uuid IS NULL OR d.id > $4)
        ORDER BY d.id LIMIT $5
        """)
    static let withdraw = Statement(
        "declaration_withdraw",
        "UPDATE declarations d SET withdrawn_at = now() WHERE d.id = $3 AND \(mine) AND d.withdrawn_at IS NULL RETURNING d.id"
    )

    static func declaration(_ row: Row) throws -> Declaration {
        Declaration(
            id: try row.uuid(0), communityID: row.isNull(1) ? nil : try row.uuid(1), description: try row.string(2),
            themeIDs: try row.stringArray(3).compactMap(UUID.init(uuidString:)), createdAt: try row.date(4),
            withdrawnAt: try row.optionalDate(5))
    }
}
