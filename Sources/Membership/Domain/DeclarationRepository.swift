import AccessControl
import Foundation
import Postgres

/// SQL for declarations of interest: a person reads and changes only their own, and a token
/// restricted to communities reaches only the declarations naming them.
enum DeclarationRepository {
    static func mine(_ caller: Caller) -> SQL {
        "d.account_id = \(caller.accountID) AND \(Visibility.withinReach(of: "d.community_id", caller))"
    }

    static let columns: SQL = """
        d.id, d.community_id, d.description, d.theme_ids::text[] AS theme_ids, d.created_at, d.withdrawn_at
        """

    static func insert(_ id: UUID, by account: UUID, _ declaration: NewDeclaration) -> SQL {
        """
        INSERT INTO declarations (id, account_id, community_id, description, theme_ids)
        VALUES (\(id), \(account), \(declaration.communityID), \(declaration.description),
                \(declaration.themeIDs)::uuid[])
        """
    }

    static func find(_ id: UUID, for caller: Caller) -> SQL {
        "SELECT \(columns) FROM declarations d WHERE d.id = \(id) AND \(mine(caller))"
    }

    static func list(includingWithdrawn: Bool, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT \(columns) FROM declarations d
        WHERE \(mine(caller)) AND (\(includingWithdrawn)::boolean OR d.withdrawn_at IS NULL)
          AND \(SQL.keyset("d.id", after: after))
        ORDER BY d.id LIMIT \(limit)
        """
    }

    /// Returns a row only when the declaration was still in force.
    static func withdraw(_ id: UUID, for caller: Caller) -> SQL {
        """
        UPDATE declarations d SET withdrawn_at = now()
        WHERE d.id = \(id) AND \(mine(caller)) AND d.withdrawn_at IS NULL RETURNING d.id
        """
    }

    static func declaration(_ row: Row) throws -> Declaration {
        Declaration(
            id: try row["id"], communityID: try row["community_id"], description: try row["description"],
            themeIDs: try row["theme_ids"], createdAt: try row["created_at"], withdrawnAt: try row["withdrawn_at"])
    }
}
