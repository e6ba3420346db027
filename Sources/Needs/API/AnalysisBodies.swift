import APISupport
import Crypto
import Disclosure
import Foundation
import HTTP
import Needs

/// The needs analysis as JSON; a suppressed figure is null with `suppressed: true`.
struct AnalysisBody: Encodable {
    struct Cell: Encodable {
        @ExplicitNull var value: String?
        @ExplicitNull var members: Int?
        let suppressed: Bool

        init(_ cell: PeopleBreakdown.Cell) {
            value = cell.value
            members = cell.count
            suppressed = cell.count == nil
        }
    }

    struct ThemeFigures: Encodable {
        let theme: ThemeSummaryBody
        @ExplicitNull var members: Int?
        let suppressed: Bool
        let needs: Int
        let countries: Int
        let sectors: Int
        @ExplicitNull var meanUrgency: Double?
        @ExplicitNull var priority: Double?
        let byCountry: [Cell]
        let byRegion: [Cell]
        let bySector: [Cell]
        let byOrganisationKind: [Cell]

        enum CodingKeys: String, CodingKey {
            case theme, members, suppressed, needs, countries, sectors, priority
            case meanUrgency = "mean_urgency"
            case byCountry = "by_country"
            case byRegion = "by_region"
            case bySector = "by_sector"
            case byOrganisationKind = "by_organisation_kind"
        }

        init(_ figures: NeedsAnalysis.ThemeFigures) {
            theme = ThemeSummaryBody(figures.theme)
            members = figures.people.total
            suppressed = figures.people.total == nil
            needs = figures.needs
            countries = figures.countries
            sectors = figures.sectors
            meanUrgency = figures.meanUrgency
            priority = figures.priority
            byCountry = figures.people.byCountry.map(Cell.init)
            byRegion = figures.people.byRegion.map(Cell.init)
            bySector = figures.people.bySector.map(Cell.init)
            byOrganisationKind = figures.people.byOrganisationKind.map(Cell.init)
        }
    }

    struct TrendPoint: Encodable {
        let month: String
        let themeID: String
        @ExplicitNull var members: Int?
        let suppressed: Bool

        enum CodingKeys: String, CodingKey {
            case month, members, suppressed
            case themeID = "theme_id"
        }
    }

    struct Emerging: Encodable {
        let theme: ThemeSummaryBody
        @ExplicitNull var recentMembers: Int?
        @ExplicitNull var previousMembers: Int?
        @ExplicitNull var growth: Double?

        enum CodingKeys: String, CodingKey {
            case theme, growth
            case recentMembers = "recent_members"
            case previousMembers = "previous_members"
        }
    }

    struct Gap: Encodable {
        struct Need: Encodable {
            let id: String
            let title: String
            let urgency: Int
            let cosignCount: Int
            let themes: [ThemeSummaryBody]

            enum CodingKeys: String, CodingKey {
                case id, title, urgency, themes
                case cosignCount = "cosign_count"
            }
        }

        let need: Need
        let score: Int
    }

    let communityID: String
    let minCellSize: Int
    let suppressionMethod: String
    let windowDays: Int
    let themes: [ThemeFigures]
    let trend: [TrendPoint]
    let emerging: [Emerging]
    let gaps: [Gap]

    enum CodingKeys: String, CodingKey {
        case themes, trend, emerging, gaps
        case communityID = "community_id"
        case minCellSize = "min_cell_size"
        case suppressionMethod = "suppression_method"
        case windowDays = "window_days"
    }

    init(_ analysis: NeedsAnalysis) {
        communityID = analysis.communityID.lowercasedString
        minCellSize = analysis.minCellSize
        suppressionMethod = analysis.suppressed ? SecondarySuppression.methodName : "none"
        windowDays = analysis.windowDays
        themes = analysis.themes.map(ThemeFigures.init)
        trend = analysis.trend.map {
            TrendPoint(
                month: $0.month, themeID: $0.themeID.lowercasedString, members: $0.members,
                suppressed: $0.members == nil)
        }
        emerging = analysis.emerging.map {
            Emerging(
                theme: ThemeSummaryBody($0.theme), recentMembers: $0.recentMembers, previousMembers: $0.previousMembers,
                growth: $0.growth)
        }
        gaps = analysis.gaps.map {
            Gap(
                need: Gap.Need(
                    id: $0.need.id.lowercasedString, title: $0.need.title, urgency: $0.need.urgency,
                    cosignCount: $0.need.cosignCount, themes: $0.need.themes.map(ThemeSummaryBody.init)),
                score: $0.score)
        }
    }
}
