import Crypto
import Foundation
import Membership

/// A community as a membership, invitation or application names it.
struct CommunitySummaryBody: Encodable {
    let id: String
    let name: String

    init(_ community: CommunitySummary) {
        id = community.id.lowercasedString
        name = community.name
    }
}
