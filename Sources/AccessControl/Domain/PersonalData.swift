import Foundation
import Postgres

/// What a domain keeps about people, so that a person's export holds it and the erasure of their
/// account ends it. Access control keeps accounts, sessions, tokens and the audit log; each other
/// domain that stores rows about a person supplies one of these to the composition root.
public struct PersonalData: Sendable {
    /// `'key', value` pairs for the export's `json_build_object`, each value a JSON expression of
    /// what the domain holds about `account`.
    public let export: @Sendable (_ account: UUID) -> SQL
    /// One statement that wipes what the person wrote in the domain and ends what they take part
    /// in, run inside the erasure's transaction.
    public let erase: @Sendable (_ account: UUID) -> SQL

    public init(export: @escaping @Sendable (UUID) -> SQL, erase: @escaping @Sendable (UUID) -> SQL) {
        self.export = export
        self.erase = erase
    }
}
