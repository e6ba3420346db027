import AccessControl

/// Threads' actions: what each asks of the caller's scope and role in the community.
extension Policy.Action {
    /// Threads, posts, practice records: anyone inside. Guests reach only the threads of meetings
    /// they were invited to (`Visibility.thread`).
    public static let readThreads = Self(
        "readThreads", scope: .threadsRead, community: .init(.anyoneInside, needsAcceptedNorms: false))
    /// Opening a thread: members and convenors who accepted the norms.
    public static let startThreads = Self(
        "startThreads", scope: .threadsWrite, community: .init(.members, needsAcceptedNorms: true))
    /// Posting, editing one's posts, endorsing, following: anyone inside but observers, once the
    /// norms are accepted (a guest posts in the threads of their meeting).
    public static let writePosts = Self(
        "writePosts", scope: .threadsWrite, community: .init(.writers, needsAcceptedNorms: true))
    /// Flagging a post for the convenors: anyone who may write, norms accepted or not.
    public static let flagPosts = Self(
        "flagPosts", scope: .threadsWrite, community: .init(.writers, needsAcceptedNorms: false))
    /// The flag queue and the reveal requests (convenors).
    public static let readModeration = Self(
        "readModeration", scope: .threadsRead, community: .init(.convenors, needsAcceptedNorms: false))
    /// Hiding, locking, marking outcomes of others' threads, reveals (convenors).
    public static let moderateThreads = Self(
        "moderateThreads", scope: .threadsWrite, community: .init(.convenors, needsAcceptedNorms: true))
}
