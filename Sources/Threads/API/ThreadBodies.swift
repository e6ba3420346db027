import APISupport
import AccessControl
import Crypto
import Disclosure
import Foundation
import HTTP
import Threads

struct LinkedItemBody: Encodable {
    let id: String
    let title: String

    init(_ item: LinkedItem) {
        id = item.id.lowercasedString
        title = item.title
    }
}

struct ThemeLinkBody: Encodable {
    let id: String
    let name: String

    init(_ item: LinkedItem) {
        id = item.id.lowercasedString
        name = item.title
    }
}

/// Who wrote something, as the reader may know it: a person, or nobody and a neutral label.
enum AuthorLabel {
    static let participant = "a participant"

    static func label(_ person: PersonSummary?) -> String { person?.displayName ?? participant }
}

struct ThreadBody: Encodable {
    let id: String
    let communityID: String
    @ExplicitNull var circleID: String?
    @ExplicitNull var meetingID: String?
    let title: String
    let problem: String
    let themes: [ThemeLinkBody]
    let needs: [LinkedItemBody]
    let agendaItems: [LinkedItemBody]
    let status: String
    let chathamHouse: Bool
    let excludesVendors: Bool
    let locked: Bool
    @ExplicitNull var outcomePostID: String?
    @ExplicitNull var createdBy: PersonBody?
    let createdByLabel: String
    let createdByMe: Bool
    let postCount: Int
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, title, problem, themes, needs, status, locked
        case communityID = "community_id"
        case circleID = "circle_id"
        case meetingID = "meeting_id"
        case agendaItems = "agenda_items"
        case chathamHouse = "chatham_house"
        case excludesVendors = "excludes_vendors"
        case outcomePostID = "outcome_post_id"
        case createdBy = "created_by"
        case createdByLabel = "created_by_label"
        case createdByMe = "created_by_me"
        case postCount = "post_count"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ thread: Threads.Thread) {
        id = thread.id.lowercasedString
        communityID = thread.communityID.lowercasedString
        circleID = thread.circleID?.lowercasedString
        meetingID = thread.meetingID?.lowercasedString
        title = thread.title
        problem = thread.problem
        themes = thread.themes.map(ThemeLinkBody.init)
        needs = thread.needs.map(LinkedItemBody.init)
        agendaItems = thread.agendaItems.map(LinkedItemBody.init)
        status = thread.status.rawValue
        chathamHouse = thread.chathamHouse
        excludesVendors = thread.excludesVendors
        locked = thread.locked
        outcomePostID = thread.outcomePostID?.lowercasedString
        createdBy = thread.createdBy.map(PersonBody.init)
        createdByLabel = AuthorLabel.label(thread.createdBy)
        createdByMe = thread.createdByCaller
        postCount = thread.postCount
        createdAt = thread.createdAt
        updatedAt = thread.updatedAt
    }
}

struct NewThreadBody: RequestBody {
    let title: String
    let problem: String?
    let themeIDs: [UUID]?
    let needIDs: [UUID]?
    let agendaItemIDs: [UUID]?
    let circleID: UUID?
    let meetingID: UUID?
    let chathamHouse: Bool?
    let excludesVendors: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, problem
        case themeIDs = "theme_ids"
        case needIDs = "need_ids"
        case agendaItemIDs = "agenda_item_ids"
        case circleID = "circle_id"
        case meetingID = "meeting_id"
        case chathamHouse = "chatham_house"
        case excludesVendors = "excludes_vendors"
    }
}

struct OutcomeBody: RequestBody {
    let postID: UUID

    enum CodingKeys: String, CodingKey, CaseIterable {
        case postID = "post_id"
    }
}

/// Who posted in a thread; a suppressed figure is null with `suppressed: true`.
struct ThreadParticipationBody: Encodable {
    struct Cell: Encodable {
        @ExplicitNull var value: String?
        @ExplicitNull var people: Int?
        let suppressed: Bool

        init(_ cell: PeopleBreakdown.Cell) {
            value = cell.value
            people = cell.count
            suppressed = cell.count == nil
        }
    }

    let threadID: String
    let minCellSize: Int
    let suppressionMethod = SecondarySuppression.methodName
    @ExplicitNull var people: Int?
    let byCountry: [Cell]
    let byRegion: [Cell]
    let bySector: [Cell]
    let byOrganisationKind: [Cell]

    enum CodingKeys: String, CodingKey {
        case people
        case threadID = "thread_id"
        case minCellSize = "min_cell_size"
        case suppressionMethod = "suppression_method"
        case byCountry = "by_country"
        case byRegion = "by_region"
        case bySector = "by_sector"
        case byOrganisationKind = "by_organisation_kind"
    }

    init(thread: UUID, _ participation: ThreadParticipation) {
        threadID = thread.lowercasedString
        minCellSize = participation.minimumCellSize
        people = participation.breakdown.total
        byCountry = participation.breakdown.byCountry.map(Cell.init)
        byRegion = participation.breakdown.byRegion.map(Cell.init)
        bySector = participation.breakdown.bySector.map(Cell.init)
        byOrganisationKind = participation.breakdown.byOrganisationKind.map(Cell.init)
    }
}
