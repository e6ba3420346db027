import APISupport
import Crypto
import Foundation
import HTTP
import Needs

struct ThemeSummaryBody: Encodable {
    let id: String
    let name: String

    init(_ theme: ThemeSummary) {
        id = theme.id.lowercasedString
        name = theme.name
    }
}

struct NeedBody: Encodable {
    let id: String
    let communityID: String
    @ExplicitNull var circleID: String?
    let title: String
    let description: String
    let themes: [ThemeSummaryBody]
    let urgency: Int
    let source: String
    let status: String
    let author: PersonBody
    let recordedBy: PersonBody
    @ExplicitNull var consentRecordedAt: Date?
    let cosignCount: Int
    let cosignedByMe: Bool
    let agendaItems: [AgendaReferenceBody]
    /// Only convenors read it; null for everyone else.
    @ExplicitNull var convenorNotes: String?
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case communityID = "community_id"
        case circleID = "circle_id"
        case title, description, themes, urgency, source, status, author
        case recordedBy = "recorded_by"
        case consentRecordedAt = "consent_recorded_at"
        case cosignCount = "cosign_count"
        case cosignedByMe = "cosigned_by_me"
        case agendaItems = "agenda_items"
        case convenorNotes = "convenor_notes"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ need: Need) {
        id = need.id.lowercasedString
        communityID = need.communityID.lowercasedString
        circleID = need.circleID?.lowercasedString
        title = need.title
        description = need.description
        themes = need.themes.map(ThemeSummaryBody.init)
        urgency = need.urgency
        source = need.source.rawValue
        status = need.status.rawValue
        author = PersonBody(need.author)
        recordedBy = PersonBody(need.recordedBy)
        consentRecordedAt = need.consentRecordedAt
        cosignCount = need.cosignCount
        cosignedByMe = need.cosignedByCaller
        agendaItems = need.agendaItems.map(AgendaReferenceBody.init)
        convenorNotes = need.convenorNotes
        createdAt = need.createdAt
        updatedAt = need.updatedAt
    }
}

/// A new need. `member_id` and `consent` make it a convenor's record of an intake interview in
/// that member's name.
struct NewNeedBody: RequestBody {
    let title: String
    let description: String?
    let themeIDs: [UUID]?
    let urgency: Int
    let circleID: UUID?
    let memberID: UUID?
    let consent: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description, urgency
        case themeIDs = "theme_ids"
        case circleID = "circle_id"
        case memberID = "member_id"
        case consent
    }
}

struct CosignBody: Encodable {
    let account: PersonBody
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case account
        case createdAt = "created_at"
    }

    init(_ cosign: Cosign) {
        account = PersonBody(cosign.account)
        createdAt = cosign.createdAt
    }
}
