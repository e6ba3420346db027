import AccessControl

/// Needs' actions: what each asks of the caller's scope and role in the community.
extension Policy.Action {
    /// Themes, needs and the analysis: anyone inside but guests (observers read).
    public static let readNeeds = Self(
        "readNeeds", scope: .needsRead,
        community: .init(.anyoneInside, needsAcceptedNorms: false, hiddenFromGuests: true))
    /// Writing one's own needs, co-signing, suggesting themes: members and convenors who accepted the norms.
    public static let writeNeeds = Self(
        "writeNeeds", scope: .needsWrite, community: .init(.members, needsAcceptedNorms: true))
    /// A member's peers, for the convenors who introduce people to each other.
    public static let readMembersPeers = Self(
        "readMembersPeers", scope: .needsRead,
        community: .init(.convenors, needsAcceptedNorms: false, hiddenFromGuests: true))
    /// Survey results and the free-text answers respondents let convenors quote (convenors).
    public static let readSurveyResults = Self(
        "readSurveyResults", scope: .needsRead,
        community: .init(.convenors, needsAcceptedNorms: false, hiddenFromGuests: true))
    /// Curating themes and recording needs on members' behalf (convenors).
    public static let curateNeeds = Self(
        "curateNeeds", scope: .needsWrite, community: .init(.convenors, needsAcceptedNorms: true))
}
