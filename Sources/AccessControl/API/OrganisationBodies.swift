import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP

struct OrganisationBody: Encodable {
    let id: String
    let name: String
    let kind: String
    let country: String
    @ExplicitNull var sector: String?
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, kind, country, sector
        case createdAt = "created_at"
    }

    init(_ organisation: Organisation) {
        id = organisation.id.lowercasedString
        name = organisation.name
        kind = organisation.kind.rawValue
        country = organisation.country
        sector = organisation.sector?.rawValue
        createdAt = organisation.createdAt
    }
}

struct NewOrganisationBody: RequestBody {
    let name: String
    let kind: String
    let country: String
    let sector: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, kind, country, sector
    }
}
