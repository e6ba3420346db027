import APISupport
import Crypto
import Foundation
import HTTP
import Needs

struct NeedReferenceBody: Encodable {
    let id: String
    let title: String
}

struct AgendaReferenceBody: Encodable {
    let id: String
    let title: String
    let status: String

    init(_ item: AgendaReference) {
        id = item.id.lowercasedString
        title = item.title
        status = item.status.rawValue
    }
}

struct AgendaItemBody: Encodable {
    let id: String
    let communityID: String
    @ExplicitNull var meetingID: String?
    let title: String
    let description: String
    let position: Int
    @ExplicitNull var startsAt: Date?
    @ExplicitNull var endsAt: Date?
    @ExplicitNull var presenter: PersonBody?
    let status: String
    let needs: [NeedReferenceBody]
    let createdBy: PersonBody
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, title, description, position, presenter, status, needs
        case communityID = "community_id"
        case meetingID = "meeting_id"
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ item: AgendaItem) {
        id = item.id.lowercasedString
        communityID = item.communityID.lowercasedString
        meetingID = item.settings.meetingID?.lowercasedString
        title = item.settings.title
        description = item.settings.description
        position = item.settings.position
        startsAt = item.settings.startsAt
        endsAt = item.settings.endsAt
        presenter = item.presenter.map(PersonBody.init)
        status = item.settings.status.rawValue
        needs = item.needs.map { NeedReferenceBody(id: $0.id.lowercasedString, title: $0.title) }
        createdBy = PersonBody(item.createdBy)
        createdAt = item.createdAt
        updatedAt = item.updatedAt
    }
}

struct AgendaEventBody: Encodable {
    let id: String
    let change: String
    let fields: JSONValue
    let actor: PersonBody
    let occurredAt: Date

    enum CodingKeys: String, CodingKey {
        case id, change, fields, actor
        case occurredAt = "occurred_at"
    }

    init(_ event: AgendaEvent) {
        id = event.id.lowercasedString
        change = event.change
        fields = JSONValue(parsing: event.fields) ?? .object([:])
        actor = PersonBody(event.actor)
        occurredAt = event.occurredAt
    }
}

/// A new agenda item; its members are also what a merge patch may change.
struct NewAgendaItemBody: RequestBody {
    let title: String
    let description: String?
    let position: Int?
    let startsAt: Date?
    let endsAt: Date?
    let presenterID: UUID?
    let meetingID: UUID?
    let status: String?
    let needIDs: [UUID]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description, position, status
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case presenterID = "presenter_id"
        case meetingID = "meeting_id"
        case needIDs = "need_ids"
    }
}
