import Foundation

/// What became of one row of a bulk import: the same whether or not the address had an account.
public struct ImportRowResult: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// Invited (with a dry run: would be).
        case invited
        case alreadyMember = "already_member"
        case alreadyInvited = "already_invited"
        /// The row's values break a rule; `errors` says which.
        case invalid
    }

    public struct FieldError: Sendable, Equatable, Codable {
        public var field: String
        public var message: String
    }

    public var line: Int
    public var email: String
    public var outcome: Outcome
    public var errors: [FieldError]
}

public enum ImportStatus: String, Sendable, CaseIterable { case queued, running, done, failed }

/// An import that runs in the background.
public struct MemberImport: Sendable, Equatable {
    public var id: UUID
    public var communityID: UUID
    public var dryRun: Bool
    public var status: ImportStatus
    public var totalRows: Int
    public var processedRows: Int
    public var results: [ImportRowResult]
    public var createdAt: Date
    public var finishedAt: Date?
}
