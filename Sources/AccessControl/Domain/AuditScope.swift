import Postgres

/// The audit events a domain records inside its communities, and who may read them. The audit
/// log shows platform admins the platform's own events (accounts, tokens, sessions,
/// organisations); an event inside a community is read only by whom its domain says (its
/// convenors, say), platform admins included only when they are among them.
public struct AuditScope: Sendable {
    /// The `target_type`s of the domain's events.
    public let targetTypes: [String]
    /// The scope a token needs to read them: the log tells what the domain's own reads would.
    public let scope: Scope
    /// The community an event (alias `e`) of those types happened in.
    public let community: SQL
    /// Whether the caller may read an event (alias `e`) of those types.
    public let readable: @Sendable (Caller) -> SQL

    public init(
        targetTypes: [String], scope: Scope, community: SQL, readable: @escaping @Sendable (Caller) -> SQL
    ) {
        self.targetTypes = targetTypes
        self.scope = scope
        self.community = community
        self.readable = readable
    }
}
