import AccessControl
import Disclosure
import Foundation

/// What the members of a community most need, from the needs the caller may see (and that are
/// not withdrawn): per theme, the distinct members behind its needs (authors and co-signers) by
/// country, region, sector and organisation kind, with each theme's figures one release under
/// `min_cell_size` (secondary suppression); the monthly trend, the emerging themes and the gaps.
public struct NeedsAnalysis: Sendable, Equatable {
    public struct ThemeFigures: Sendable, Equatable {
        public var theme: ThemeSummary
        /// The members behind the theme's needs and how they divide; `members` nil when suppressed.
        public var people: PeopleBreakdown
        public var needs: Int
        /// Nil when `members` is suppressed: a mean over fewer than `min_cell_size` people is theirs.
        public var meanUrgency: Double?
        /// `members × mean urgency × (1 + 0.25 × (countries − 1) + 0.25 × (sectors − 1))`, counting the
        /// countries and sectors listed (with a member); nil when `members` is suppressed.
        public var priority: Double?

        public var countries: Int { people.byCountry.filter { $0.value != nil }.count }
        public var sectors: Int { people.bySector.filter { $0.value != nil }.count }
    }

    /// Distinct members who wrote or co-signed a need of a theme in a month (UTC).
    public struct TrendPoint: Sendable, Equatable {
        public var month: String
        public var themeID: UUID
        /// Nil when fewer than `min_cell_size`.
        public var members: Int?
    }

    /// Members active in a theme in the window just past and in the one before it.
    public struct Emerging: Sendable, Equatable {
        public var theme: ThemeSummary
        public var recentMembers: Int?
        public var previousMembers: Int?
        /// `recent / previous`, when both are published and `previous` is not 0.
        public var growth: Double? {
            guard let recentMembers, let previousMembers, previousMembers > 0 else { return nil }
            return (Double(recentMembers) / Double(previousMembers) * 100).rounded() / 100
        }
    }

    /// An open need no problem thread or agenda item answers yet, by `urgency × (1 + co-signs)`.
    public struct Gap: Sendable, Equatable {
        public var need: NeedSummary
        public var score: Int
    }

    public var communityID: UUID
    public var minCellSize: Int
    /// False when a convenor asked for the unsuppressed view.
    public var suppressed: Bool
    public var windowDays: Int
    public var themes: [ThemeFigures]
    public var trend: [TrendPoint]
    public var emerging: [Emerging]
    public var gaps: [Gap]
}

/// A need as the analysis names it.
public struct NeedSummary: Sendable, Equatable {
    public var id: UUID
    public var title: String
    public var urgency: Int
    public var cosignCount: Int
    public var themes: [ThemeSummary]
}

/// What the analysis is asked for.
public struct AnalysisRequest: Sendable, Hashable {
    /// Days of each window `emerging` compares, 7 to 365.
    public var windowDays = 90
    /// Convenors only: every figure as it is (audited).
    public var unsuppressed = false

    public init() {}
}

extension NeedsAnalysis.ThemeFigures {
    init(theme: ThemeSummary, groups: [PeopleBreakdown.Group], needs: Int, urgencySum: Int, minimum: Int) {
        self.theme = theme
        self.needs = needs
        people = PeopleBreakdown(groups, minimum: minimum)
        if let members = people.total, needs > 0 {
            let mean = Double(urgencySum) / Double(needs)
            meanUrgency = (mean * 100).rounded() / 100
            let reach = 1 + 0.25 * Double(max(0, countries - 1)) + 0.25 * Double(max(0, sectors - 1))
            priority = (Double(members) * mean * reach * 100).rounded() / 100
        }
    }
}
