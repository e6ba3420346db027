import APISupport
import Crypto
import Foundation
import Membership

/// The answer of an import that ran at once.
struct ImportResultsBody: Encodable {
    let dryRun: Bool
    let totalRows: Int
    let results: [ImportRowResult]

    enum CodingKeys: String, CodingKey {
        case dryRun = "dry_run"
        case totalRows = "total_rows"
        case results
    }

    init(dryRun: Bool, results: [ImportRowResult]) {
        self.dryRun = dryRun
        totalRows = results.count
        self.results = results
    }
}

/// An import that runs in the background, and what it has done so far.
struct MemberImportBody: Encodable {
    let id: String
    let communityID: String
    let dryRun: Bool
    let status: String
    let totalRows: Int
    let processedRows: Int
    let results: [ImportRowResult]
    let createdAt: Date
    @ExplicitNull var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case communityID = "community_id"
        case dryRun = "dry_run"
        case status
        case totalRows = "total_rows"
        case processedRows = "processed_rows"
        case results
        case createdAt = "created_at"
        case finishedAt = "finished_at"
    }

    init(_ job: MemberImport) {
        id = job.id.lowercasedString
        communityID = job.communityID.lowercasedString
        dryRun = job.dryRun
        status = job.status.rawValue
        totalRows = job.totalRows
        processedRows = job.processedRows
        results = job.results
        createdAt = job.createdAt
        finishedAt = job.finishedAt
    }
}
