import Crypto
import Foundation

/// What became of one row of a bulk import.
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
    public var accountID: UUID?
    /// True when the row created the account (with a dry run: would create it).
    public var accountCreated: Bool
    public var errors: [FieldError]
    /// Only in the answer of an import that ran at once and created the account; never stored.
    public var activationToken: String?

    enum CodingKeys: String, CodingKey {
        case line, email, outcome
        case accountID = "account_id"
        case accountCreated = "account_created"
        case errors
        case activationToken = "activation_token"
    }

    /// Every key, absent values as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(line, forKey: .line)
        try container.encode(email, forKey: .email)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(accountID.map { $0.lowercasedString }, forKey: .accountID)
        try container.encode(accountCreated, forKey: .accountCreated)
        try container.encode(errors, forKey: .errors)
        try container.encode(activationToken, forKey: .activationToken)
    }
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
