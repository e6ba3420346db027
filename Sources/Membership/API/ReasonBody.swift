import HTTP

/// The reason given when a decision refuses something (an application, an amendment).
struct ReasonBody: RequestBody {
    let reason: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case reason
    }
}
