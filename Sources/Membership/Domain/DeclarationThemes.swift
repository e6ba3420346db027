import Foundation
import Postgres

/// Declarations of interest name a community's themes, which the needs domain owns: when it
/// merges two themes, it moves these links too, in the same transaction.
public enum DeclarationThemes {
    /// Declarations that name `theme` (in `community`, or in every community) name `replacement`
    /// instead, once, where `theme` stood.
    public static func replace(_ theme: UUID, with replacement: UUID, in community: UUID) -> SQL {
        """
        UPDATE declarations SET theme_ids = ARRAY(
            SELECT linked.id FROM unnest(array_replace(theme_ids, \(theme)::uuid, \(replacement)::uuid))
                   WITH ORDINALITY AS linked (id, position)
            GROUP BY linked.id ORDER BY min(linked.position))
        WHERE (community_id = \(community) OR community_id IS NULL) AND \(theme)::uuid = ANY(theme_ids)
        """
    }
}
