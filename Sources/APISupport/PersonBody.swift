import AccessControl
import Crypto

/// A person as other resources name them: who invited, who decided, who wrote a need.
public struct PersonBody: Encodable, Sendable {
    public let id: String
    public let displayName: String

    enum CodingKeys: String, CodingKey {
        case id
        case displayName = "display_name"
    }

    public init(_ person: PersonSummary) {
        id = person.id.lowercasedString
        displayName = person.displayName
    }
}
