import AccessControl
import CSV
import Crypto
import Foundation
import Postgres

/// Bulk onboarding from a CSV (`email,name,organisation,kind,country,role`): each row is an
/// invitation by email, in its own transaction, checked exactly as a convenor's invitation is.
/// A dry run does the same work and rolls each row back.
public struct ImportService: Sendable {
    /// Up to this many rows an import runs at once; more run in the background.
    public static let immediateLimit = 200
    public static let maximumRows = 10_000
    static let columns: Set<String> = ["email", "name", "organisation", "kind", "country", "role"]

    let pool: ConnectionPool
    let invitations: InvitationService
    let authentication: AuthenticationService

    public init(pool: ConnectionPool, invitations: InvitationService, authentication: AuthenticationService) {
        self.pool = pool
        self.invitations = invitations
        self.authentication = authentication
    }

    public enum Started: Sendable {
        case finished([ImportRowResult])
        case queued(MemberImport)
    }

    public func start(
        in community: UUID, dryRun: Bool, by caller: Caller, from origin: RequestOrigin, csv: () throws -> String
    ) throws -> Started {
        _ = try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .manageMembers, in: community, on: connection)
        }
        let text = try csv()
        let rows = try Self.rows(of: text)
        if rows.count <= Self.immediateLimit {
            return .finished(
                rows.map {
                    importRow($0, into: community, dryRun: dryRun, by: caller, from: origin)
                })
        }
        let id = UUIDv7.make()
        _ = try pool.withConnection { connection in
            try connection.query(
                ImportRepository.insert(
                    id, in: community, by: caller.accountID, dryRun: dryRun, csv: text, totalRows: rows.count))
        }
        let job = try find(id, for: caller)
        Thread.detachNewThread { run(id, as: caller, from: origin) }
        return .queued(job)
    }

    /// Works through a queued import. Before each batch the caller's credential is checked again,
    /// and each row is authorized again, so an import stops as soon as its convenor's token is
    /// revoked or they stop being a convenor.
    func run(_ id: UUID, as caller: Caller, from origin: RequestOrigin) {
        do {
            // The request that queued the job may not have committed yet: wait for it a little.
            var text: String?
            for _ in 0..<50 {
                text = try pool.withConnection { try $0.query(ImportRepository.start(id)) }.first.map { try $0["csv"] }
                if text != nil { break }
                Thread.sleep(forTimeInterval: 0.2)
            }
            guard let text else { return }
            let job = try find(id, for: caller)
            let rows = try Self.rows(of: text)
            var processed = 0
            for batch in stride(from: 0, to: rows.count, by: 50).map({ Array(rows[$0..<min($0 + 50, rows.count)]) }) {
                guard try authentication.isStillValid(caller) else { throw AccessError.unauthenticated }
                let results = batch.map {
                    importRow(
                        $0, into: job.communityID, dryRun: job.dryRun, by: caller, from: origin)
                }
                processed += batch.count
                let encoded = String(decoding: try JSONEncoder().encode(results), as: UTF8.self)
                _ = try pool.withConnection {
                    try $0.query(ImportRepository.progress(id, processedRows: processed, results: encoded))
                }
            }
            _ = try pool.withConnection { try $0.query(ImportRepository.finish(id, as: .done)) }
        } catch {
            _ = try? pool.withConnection { try $0.query(ImportRepository.finish(id, as: .failed)) }
        }
    }

    public func memberImport(_ id: UUID, for caller: Caller) throws -> MemberImport {
        try Policy.authorize(caller, .reviewMembership)
        return try find(id, for: caller)
    }

    private func find(_ id: UUID, for caller: Caller) throws -> MemberImport {
        guard
            let row = try pool.withConnection({ try $0.query(ImportRepository.find(id, for: caller)) }).first
        else { throw AccessError.notFound }
        return try ImportRepository.memberImport(row)
    }

    /// One parsed record: its number in the file (the header is 1) and its values by column.
    struct Record {
        var line: Int
        var values: [String: String]
        func value(_ column: String) -> String { values[column] ?? "" }
    }

    static func rows(of text: String) throws -> [Record] {
        let records: [[String]]
        do {
            // A spreadsheet's "CSV UTF-8" starts with a byte-order mark, which is no part of the header.
            records = try CSV.records(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        } catch let malformed as CSV.Malformed {
            throw AccessError.invalid("csv", "line \(malformed.line): \(malformed.reason)")
        }
        guard let header = records.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw AccessError.invalid("csv", "is empty; the first line names the columns")
        }
        let unknown = header.filter { !columns.contains($0) }
        if !unknown.isEmpty {
            throw AccessError.invalid("csv", "has unknown columns: \(unknown.joined(separator: ", "))")
        }
        for required in ["email", "kind"] where !header.contains(required) {
            throw AccessError.invalid("csv", "needs a column \(required)")
        }
        if Set(header).count != header.count { throw AccessError.invalid("csv", "names a column twice") }
        var rows: [Record] = []
        for (offset, record) in records.enumerated().dropFirst() where record.contains(where: { !$0.isEmpty }) {
            guard record.count <= header.count else {
                throw AccessError.invalid("csv", "line \(offset + 1) has more fields than columns")
            }
            var values: [String: String] = [:]
            for (index, value) in record.enumerated() {
                values[header[index]] = value.trimmingCharacters(in: .whitespaces)
            }
            rows.append(Record(line: offset + 1, values: values))
        }
        if rows.isEmpty { throw AccessError.invalid("csv", "holds no rows") }
        if rows.count > maximumRows { throw AccessError.invalid("csv", "holds more than \(maximumRows) rows") }
        return rows
    }

    /// Rolls a dry run's row back once it went through.
    private struct DryRun: Error {}

    private func importRow(
        _ row: Record, into community: UUID, dryRun: Bool, by caller: Caller, from origin: RequestOrigin
    ) -> ImportRowResult {
        let email = row.value("email")
        var result = ImportRowResult(line: row.line, email: email, outcome: .invalid, errors: [])
        var issues: [ImportRowResult.FieldError] = []
        let kind = MemberKind(rawValue: row.value("kind"))
        if kind == nil {
            issues.append(
                .init(
                    field: "kind",
                    message: "must be one of \(MemberKind.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let roleText = row.value("role").isEmpty ? "member" : row.value("role")
        let role = MembershipRole(rawValue: roleText).flatMap { $0 == .guest ? nil : $0 }
        if role == nil { issues.append(.init(field: "role", message: "must be member, observer or convenor")) }
        var organisationID: UUID?
        do {
            if !row.value("organisation").isEmpty {
                let found = try pool.withConnection {
                    try $0.query(ImportRepository.organisations(named: row.value("organisation")))
                }
                if found.count == 1 {
                    organisationID = try found[0]["id"]
                } else {
                    let problem = found.isEmpty ? "is not an organisation's name" : "names more than one organisation"
                    issues.append(.init(field: "organisation", message: problem))
                }
            }
            guard issues.isEmpty, let kind, let role else {
                result.errors = issues
                return result
            }
            let details = InviteeDetails(
                email: email,
                displayName: row.value("name").isEmpty ? String(email.prefix { $0 != "@" }) : row.value("name"),
                memberKind: kind, organisationID: organisationID,
                country: row.value("country").isEmpty ? nil : row.value("country"))
            let input = NewInvitation(invitee: .email(details), role: role, membershipExpiresAt: nil, message: "")
            do {
                try pool.withTransaction { _ in
                    _ = try invitations.invite(to: community, by: caller, from: origin) { input }
                    if dryRun { throw DryRun() }
                }
            } catch is DryRun {}
            result.outcome = .invited
        } catch AccessError.invalid(let fieldIssues) {
            let columns = ["display_name": "name", "member_kind": "kind", "organisation_id": "organisation"]
            result.errors = fieldIssues.map { .init(field: columns[$0.field] ?? $0.field, message: $0.message) }
        } catch MembershipError.conflict(let conflict, let detail) {
            switch conflict {
            case .alreadyMember: result.outcome = .alreadyMember
            case .invitationPending: result.outcome = .alreadyInvited
            default: result.errors = [.init(field: "", message: detail)]
            }
        } catch MembershipError.refused(_, let detail) {
            result.errors = [.init(field: "", message: detail)]
        } catch AccessError.conflict(_, let detail) {
            result.errors = [.init(field: "", message: detail)]
        } catch {
            result.errors = [.init(field: "", message: "could not be imported")]
        }
        return result
    }
}
