import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP

struct AuditEventBody: Encodable {
    let id: String
    let sequence: Int64
    let occurredAt: Date
    @ExplicitNull var actorID: String?
    let action: String
    @ExplicitNull var targetType: String?
    @ExplicitNull var targetID: String?
    @ExplicitNull var requestID: String?
    let details: JSONValue
    let hash: String

    enum CodingKeys: String, CodingKey {
        case id, sequence
        case occurredAt = "occurred_at"
        case actorID = "actor_id"
        case action
        case targetType = "target_type"
        case targetID = "target_id"
        case requestID = "request_id"
        case details, hash
    }

    init(_ event: AuditEvent) {
        id = event.id.lowercasedString
        sequence = event.sequence
        occurredAt = event.occurredAt
        actorID = event.actorID?.lowercasedString
        action = event.action
        targetType = event.targetType
        targetID = event.targetID
        requestID = event.requestID
        details = JSONValue(parsing: event.details) ?? .object([:])
        hash = event.hash
    }
}

/// The result of checking the audit log's hash chain.
struct VerificationBody: Encodable {
    let intact: Bool
    let checked: Int
    @ExplicitNull var firstBrokenSequence: Int64?
    @ExplicitNull var anchorMatches: Bool?
    @ExplicitNull var head: String?

    enum CodingKeys: String, CodingKey {
        case intact, checked
        case firstBrokenSequence = "first_broken_sequence"
        case anchorMatches = "anchor_matches"
        case head
    }

    init(_ verification: AuditVerification) {
        intact = verification.isIntact
        checked = verification.checked
        firstBrokenSequence = verification.firstBrokenSequence
        anchorMatches = verification.anchorMatches
        head = verification.head
    }
}
