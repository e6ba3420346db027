import APISupport
import Crypto
import Disclosure
import Membership

/// A community's participation figures; a suppressed cell has a null count.
struct ParticipationBody: Encodable {
    struct Cell: Encodable {
        @ExplicitNull var value: String?
        @ExplicitNull var count: Int?
        let suppressed: Bool

        init(_ cell: Participation.Cell) {
            value = cell.value
            count = cell.count
            suppressed = cell.count == nil
        }
    }

    let communityID: String
    let minCellSize: Int
    let suppressionMethod = SecondarySuppression.methodName
    @ExplicitNull var activeMembers: Int?
    let bySector: [Cell]
    let byCountry: [Cell]
    let byRegion: [Cell]
    let byOrganisationKind: [Cell]

    enum CodingKeys: String, CodingKey {
        case communityID = "community_id"
        case minCellSize = "min_cell_size"
        case suppressionMethod = "suppression_method"
        case activeMembers = "active_members"
        case bySector = "by_sector"
        case byCountry = "by_country"
        case byRegion = "by_region"
        case byOrganisationKind = "by_organisation_kind"
    }

    init(_ participation: Participation) {
        communityID = participation.communityID.lowercasedString
        minCellSize = participation.minCellSize
        activeMembers = participation.activeMembers
        bySector = participation.bySector.map(Cell.init)
        byCountry = participation.byCountry.map(Cell.init)
        byRegion = participation.byRegion.map(Cell.init)
        byOrganisationKind = participation.byOrganisationKind.map(Cell.init)
    }
}
