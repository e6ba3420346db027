import AccessControl
import Foundation
import Postgres

/// What links to themes (needs here, threads elsewhere) names only active themes of its community.
public enum ThemeLinks {
    /// Every theme newly named (`added`, among `themes`) must be an active theme of the community
    /// (422 naming it as `theme_ids[i]`).
    public static func check(_ themes: [UUID], added: [UUID], in community: UUID, on connection: Connection) throws {
        guard !added.isEmpty else { return }
        let inactive: [UUID] = try connection.query(ThemeRepository.inactive(added, in: community)) { try $0["id"] }
        var validation = Validation()
        for theme in inactive {
            validation.add(
                "theme_ids[\(themes.firstIndex(of: theme) ?? 0)]", "is not an active theme of this community")
        }
        try validation.check()
    }
}
