import APISupport
import AccessControl
import CSV
import Disclosure
import Foundation
import HTTP
import Needs
import SVG

/// `/v1/communities/{id}/needs/analysis` as JSON, CSV or an SVG heatmap, and a theme's trend as
/// an SVG chart.
struct AnalysisRoutes {
    let analyses: AnalysisService

    static let mediaTypes = ["application/json", "text/csv", "image/svg+xml"]

    /// The breakdowns a heatmap can show against the themes.
    enum Dimension: String, CaseIterable {
        case country, region, sector
        case organisationKind = "organisation_kind"

        func cells(_ figures: NeedsAnalysis.ThemeFigures) -> [PeopleBreakdown.Cell] {
            switch self {
            case .country: return figures.people.byCountry
            case .region: return figures.people.byRegion
            case .sector: return figures.people.bySector
            case .organisationKind: return figures.people.byOrganisationKind
            }
        }

        var label: String { self == .organisationKind ? "organisation kind" : rawValue }
    }

    func register(in router: inout Router) {
        router.add(
            "GET", "/v1/communities/{id:uuid}/needs/analysis",
            signedIn({ _ in .readNeeds }) { request, caller in
                guard let media = request.preferredMediaType(among: Self.mediaTypes) else {
                    throw Problem.notAcceptable(offered: Self.mediaTypes)
                }
                let dimension = try filter(Dimension.self, request, "by") ?? .country
                let format = media == "image/svg+xml" ? "\(media);by=\(dimension.rawValue)" : media
                let rendering = try analyses.rendering(
                    in: try id(request), try Self.analysisRequest(request), as: format, for: caller,
                    from: origin(request)
                ) { analysis in
                    switch media {
                    case "text/csv": return Self.rendering(Array(Self.csv(analysis).utf8))
                    case "image/svg+xml": return Self.rendering(Array(Self.heatmap(analysis, by: dimension).utf8))
                    default: return Self.rendering(try JSONCoding.encode(AnalysisBody(analysis)))
                    }
                }
                let contentType =
                    switch media {
                    case "text/csv": "text/csv; charset=utf-8; header=present"
                    case "image/svg+xml": media
                    default: Response.jsonContentType
                    }
                var response = Self.answer(rendering, contentType: contentType, request)
                response.headers.vary("Accept")
                return response
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/needs/analysis/trend.svg",
            signedIn({ _ in .readNeeds }) { request, caller in
                guard let theme = try uuidFilter(request, "theme") else {
                    throw Problem.malformed("theme is required.")
                }
                let rendering = try analyses.rendering(
                    in: try id(request), try Self.analysisRequest(request), as: "trend;theme=\(theme)", for: caller,
                    from: origin(request)
                ) { analysis in
                    guard let figures = analysis.themes.first(where: { $0.theme.id == theme }) else {
                        throw Problem.notFound()
                    }
                    return Self.rendering(Array(Self.trend(analysis, of: figures.theme).utf8))
                }
                return Self.answer(rendering, contentType: "image/svg+xml", request)
            })
    }

    /// Bytes as kept: with their gzip form, compressed at zlib's best since many read them.
    static func rendering(_ bytes: [UInt8]) -> AnalysisRendering {
        AnalysisRendering(bytes: bytes, gzipped: Compression.gzip(bytes, level: 9))
    }

    /// The rendering with its ETag (gzip-encoded when the client takes it), or 304 when the
    /// client holds it already, with the tag it holds.
    static func answer(_ rendering: AnalysisRendering, contentType: String, _ request: Request) -> Response {
        guard EntityTag.isNotModified(request, current: rendering.tag) else {
            return Response(
                status: 200, headers: HTTPHeaders([("Content-Type", contentType), ("ETag", rendering.tag)]),
                body: rendering.bytes
            )
            .encoded(for: request, gzipped: rendering.gzipped)
        }
        let gzip = rendering.gzipped != nil && Compression.acceptsGzip(request)
        var response = EntityTag.notModified(current: gzip ? "W/" + rendering.tag : rendering.tag)
        response.headers.vary("Accept-Encoding")
        return response
    }

    static func analysisRequest(_ request: Request) throws -> AnalysisRequest {
        var analysis = AnalysisRequest()
        if let text = try request.queryValue("window") {
            guard let days = Int(text), (7...365).contains(days) else {
                throw Problem.malformed("window must be a number of days from 7 to 365.")
            }
            analysis.windowDays = days
        }
        switch try request.queryValue("suppression") {
        case nil, "on": break
        case "off": analysis.unsuppressed = true
        default: throw Problem.malformed("suppression must be on or off.")
        }
        return analysis
    }

    /// Every theme's figures, one record per published (or suppressed) cell: the total, then each
    /// country, region, sector and organisation kind.
    static func csv(_ analysis: NeedsAnalysis) -> String {
        var text = CSV.record(["theme_id", "theme", "dimension", "value", "members", "suppressed"])
        for figures in analysis.themes {
            func add(_ dimension: String, _ value: String?, _ count: Int?) {
                text += CSV.record([
                    figures.theme.id.uuidString.lowercased(), figures.theme.name, dimension, value ?? "",
                    count.map(String.init) ?? "", count == nil ? "true" : "false",
                ])
            }
            add("total", nil, figures.people.total)
            for dimension in Dimension.allCases {
                for cell in dimension.cells(figures) { add(dimension.rawValue, cell.value ?? "none", cell.count) }
            }
        }
        return text
    }

    /// What the chart counts (`subject`: whose needs), and how small counts are kept.
    static func note(_ analysis: NeedsAnalysis, subject: String = "each theme's needs") -> String {
        analysis.suppressed
            ? "Members behind \(subject). Counts under \(analysis.minCellSize), and any that would reveal one, are suppressed."
            : "Members behind \(subject), unsuppressed: for the convenors only."
    }

    static func heatmap(_ analysis: NeedsAnalysis, by dimension: Dimension) -> String {
        let values = Set(analysis.themes.flatMap { dimension.cells($0).map { $0.value ?? "none" } }).sorted()
        let counts: [[Int?]] = analysis.themes.map { figures in
            let cells = Dictionary(
                uniqueKeysWithValues: dimension.cells(figures).map { ($0.value ?? "none", $0.count) })
            return values.map { value in cells[value].map { $0 } ?? 0 }
        }
        return Charts.heatmap(
            title: "Needs by theme and \(dimension.label)",
            description:
                "\(analysis.themes.count) themes by \(dimension.label): distinct members who wrote or co-signed a need. "
                + note(analysis),
            rows: analysis.themes.map(\.theme.name), columns: values, counts: counts, note: note(analysis))
    }

    /// The last twelve months (UTC) of one theme.
    static func trend(_ analysis: NeedsAnalysis, of theme: ThemeSummary) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let now = Date()
        let months = (0..<12).reversed().map { offset -> String in
            let date = calendar.date(byAdding: .month, value: -offset, to: now)!
            let parts = calendar.dateComponents([.year, .month], from: date)
            return String(format: "%04d-%02d", parts.year!, parts.month!)
        }
        let points = Dictionary(
            uniqueKeysWithValues: analysis.trend.filter { $0.themeID == theme.id }.map { ($0.month, $0.members) })
        return Charts.bars(
            title: "\(theme.name): members by month",
            description: "Distinct members who wrote or co-signed a need of \(theme.name) each month. "
                + note(analysis, subject: "its needs, by month"),
            labels: months, counts: months.map { points[$0].map { $0 } ?? 0 },
            note: note(analysis, subject: "its needs, by month"))
    }
}
