import HTTP

/// The reason given when a decision refuses something (an application, an amendment, a theme).
public struct ReasonBody: RequestBody {
    public let reason: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case reason
    }
}
