import Crypto
import Foundation
import Membership

/// A person as other resources name them: who invited, who decided, who is in a circle.
struct PersonBody: Encodable {
    let id: String
    let displayName: String

    enum CodingKeys: String, CodingKey {
        case id
        case displayName = "display_name"
    }

    init(_ person: PersonSummary) {
        id = person.id.lowercasedString
        displayName = person.displayName
    }
}

/// A community as a membership, invitation or application names it.
struct CommunitySummaryBody: Encodable {
    let id: String
    let name: String

    init(_ community: CommunitySummary) {
        id = community.id.lowercasedString
        name = community.name
    }
}
