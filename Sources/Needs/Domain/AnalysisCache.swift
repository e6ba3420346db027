import Crypto
import Foundation
import Locking

/// Everything besides the data that shapes an analysis: two callers with the same release are
/// shown the same figures. The versions move with every change to what the analysis counts
/// (`analysis_versions`); the rest is what the visibility rules ask of the caller.
struct AnalysisRelease: Hashable, Sendable {
    var community: UUID
    var communityVersion: Int64
    var peopleVersion: Int64
    var minCellSize: Int
    /// The caller takes part as anyone but a guest.
    var inside: Bool
    /// The community's circles the caller is in, in order.
    var circles: [UUID]
    var seesNeedsHiddenFromVendors: Bool
    /// The meetings with agenda items that the caller sees, in order (the gaps depend on them).
    var meetings: [UUID]
    /// The caller, when they wrote needs that others with the same standing do not see (in a
    /// circle they have left, say): their figures are then theirs alone.
    var author: UUID?
    var request: AnalysisRequest
}

/// A rendering of an analysis (JSON, CSV, SVG), with its strong ETag from its bytes and, when
/// the renderer made one, the same bytes compressed: both kept, so each is made once.
public struct AnalysisRendering: Sendable {
    public var bytes: [UInt8]
    public var gzipped: [UInt8]?
    public var tag: String

    public init(bytes: [UInt8], gzipped: [UInt8]?) {
        self.bytes = bytes
        self.gzipped = gzipped
        tag = "\"" + String(Sodium.sha256(bytes).hexString.prefix(32)) + "\""
    }
}

/// Analyses this server computed, by release, each with its renderings. An entry serves for a
/// minute at most, since the trend and the emerging windows follow the clock; a change to the
/// data makes a new release at once.
final class AnalysisCache: Sendable {
    static let lifetime: Duration = .seconds(60)
    static let capacity = 256

    private struct Entry: Sendable {
        var analysis: NeedsAnalysis
        var computed: ContinuousClock.Instant
        var renderings: [String: AnalysisRendering] = [:]
    }

    private let entries = Locked<[AnalysisRelease: Entry]>([:])

    func analysis(of release: AnalysisRelease) -> NeedsAnalysis? {
        entries.withLock { entries in
            guard let entry = entries[release] else { return nil }
            guard entry.computed.duration(to: .now) < Self.lifetime else {
                entries[release] = nil
                return nil
            }
            return entry.analysis
        }
    }

    func store(_ analysis: NeedsAnalysis, of release: AnalysisRelease) {
        entries.withLock { entries in
            if entries.count >= Self.capacity {
                let now = ContinuousClock.now
                entries = entries.filter { $0.value.computed.duration(to: now) < Self.lifetime }
                if entries.count >= Self.capacity,
                    let oldest = entries.min(by: { $0.value.computed < $1.value.computed })
                {
                    entries[oldest.key] = nil
                }
            }
            entries[release] = Entry(analysis: analysis, computed: .now)
        }
    }

    func rendering(of release: AnalysisRelease, as format: String) -> AnalysisRendering? {
        entries.withLock { $0[release]?.renderings[format] }
    }

    /// Kept only while the entry still holds the analysis it was rendered from.
    func store(
        _ rendering: AnalysisRendering, of analysis: NeedsAnalysis, _ release: AnalysisRelease, as format: String
    ) {
        entries.withLock { entries in
            guard entries[release]?.analysis == analysis else { return }
            entries[release]?.renderings[format] = rendering
        }
    }
}
