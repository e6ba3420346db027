import Foundation

/// `Accept` (RFC 9110 §12.5.1), read once: which of the media types an operation can answer the
/// client prefers.
extension Request {
    /// The first of `offered` (in the server's order of preference) with the highest `q` the
    /// client gives it, through exact types, `type/*` and `*/*`; with no `Accept`, the first
    /// offered. Nil when the client accepts none of them (406).
    public func preferredMediaType(among offered: [String]) -> String? {
        guard let accept = headers["Accept"], !accept.trimmingCharacters(in: .whitespaces).isEmpty else {
            return offered.first
        }
        var ranges: [(type: String, quality: Double)] = []
        for part in accept.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = pieces.first, !type.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)).map { min(max($0, 0), 1) } ?? 0
            }
            ranges.append((type, quality))
        }
        func quality(of media: String) -> Double {
            let family = media.split(separator: "/").first.map { "\($0)/*" } ?? ""
            // The most specific range that matches decides.
            for candidate in [media, family, "*/*"] {
                if let range = ranges.first(where: { $0.type == candidate }) { return range.quality }
            }
            return 0
        }
        let scored = offered.map { (media: $0, quality: quality(of: $0)) }.filter { $0.quality > 0 }
        guard let best = scored.map(\.quality).max() else { return nil }
        return scored.first { $0.quality == best }?.media
    }
}

extension Problem {
    public static func notAcceptable(offered: [String]) -> Problem {
        Problem(
            kind: "not-acceptable", title: "Not acceptable", status: 406,
            detail: "This resource is available as \(offered.joined(separator: ", ")); send one of them in Accept.")
    }
}
