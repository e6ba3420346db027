import AccessControl

/// Membership's actions: what each asks of the caller's scope and role in the community.
extension Policy.Action {
    public static let createCommunity = Self("createCommunity", scope: .communitiesWrite, platform: .communityCreator)
    public static let readCommunities = Self("readCommunities", scope: .communitiesRead)
    /// Changing a community's settings (convenors; outsiders who see the card are refused, not hidden).
    public static let manageCommunity = Self(
        "manageCommunity", scope: .communitiesWrite,
        community: .init(.convenors, needsAcceptedNorms: true, refusedToOutsiders: true))
    /// Reading the norms: anyone inside.
    public static let readNorms = Self(
        "readNorms", scope: .communitiesRead, community: .init(.anyoneInside, needsAcceptedNorms: false))
    /// The directory, circles and participation figures: members and observers, not guests.
    public static let readMembers = Self(
        "readMembers", scope: .membersRead,
        community: .init(.anyoneInside, needsAcceptedNorms: false, hiddenFromGuests: true))
    /// Invitations, applications, suspensions, roles, circles (convenors).
    public static let manageMembers = Self(
        "manageMembers", scope: .membersWrite, community: .init(.convenors, needsAcceptedNorms: true))
    /// Reading the community's invitations and applications (convenors).
    public static let reviewMembership = Self(
        "reviewMembership", scope: .membersRead, community: .init(.convenors, needsAcceptedNorms: false))
    /// Publishing norms and deciding amendments (convenors; the publisher accepts what they publish).
    public static let publishNorms = Self(
        "publishNorms", scope: .communitiesWrite, community: .init(.convenors, needsAcceptedNorms: false))
    /// Accepting the current norms: anyone inside.
    public static let acceptNorms = Self(
        "acceptNorms", scope: .communitiesWrite, community: .init(.anyoneInside, needsAcceptedNorms: false))
    /// Proposing and endorsing amendments: members and convenors, before accepting the norms too.
    public static let amendNorms = Self(
        "amendNorms", scope: .communitiesWrite, community: .init(.members, needsAcceptedNorms: false))
    /// Asking to join: anyone who sees the card and is not inside yet.
    public static let applyToJoin = Self(
        "applyToJoin", scope: .membersWrite,
        community: .init(.anyoneInside, needsAcceptedNorms: false, outsidersMay: true))
    /// Leaving a community: anyone inside.
    public static let leaveCommunity = Self(
        "leaveCommunity", scope: .membersWrite, community: .init(.anyoneInside, needsAcceptedNorms: false))
    /// Reading meetings: which ones, the meeting predicate decides.
    /// Who answered a meeting, who came and the breakout groups: the members' business, not a
    /// guest's, who sees the meeting itself.
    public static let readMeetingParticipants = Self(
        "readMeetingParticipants", scope: .communitiesRead,
        community: .init(.anyoneInside, needsAcceptedNorms: false, hiddenFromGuests: true))
    /// Proposed amendments name their proposers and rationales: for members, not guests.
    public static let readAmendments = Self(
        "readAmendments", scope: .communitiesRead,
        community: .init(.anyoneInside, needsAcceptedNorms: false, hiddenFromGuests: true))
    public static let readMeetings = Self(
        "readMeetings", scope: .communitiesRead, community: .init(.anyoneInside, needsAcceptedNorms: false))
    /// Scheduling meetings, inviting guests, marking attendance, forming breakouts (convenors).
    public static let manageMeetings = Self(
        "manageMeetings", scope: .communitiesWrite, community: .init(.convenors, needsAcceptedNorms: true))
    /// Answering an invitation to a meeting: members, convenors and invited guests.
    public static let respondToMeetings = Self(
        "respondToMeetings", scope: .communitiesWrite, community: .init(.writers, needsAcceptedNorms: true))
    /// A person's own declarations of interest and applications.
    public static let readOwnMembership = Self("readOwnMembership", scope: .membersRead)
    public static let manageOwnMembership = Self(
        "manageOwnMembership", scope: .membersWrite, community: .init(.anyoneInside, needsAcceptedNorms: false))
}
