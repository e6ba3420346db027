import CSV
import Disclosure
import Foundation
import HTTP
import ServerTestSupport
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A community whose needs the tests know person by person, so that every figure of the
/// analysis can be computed here, apart from the server.
final class AnalysisWorld: @unchecked Sendable {
    let cop: CommunityFixture
    /// Eight writers: four officials of a Kenyan education ministry, two of a Ghanaian finance
    /// ministry, two Nigerian scholars without an organisation.
    let people: [Person]
    let procurement: String
    let connectivity: String
    let training: String
    let circle: String
    /// Who is behind each theme's needs outside the circle (authors and co-signers), by index.
    var expected: [String: Set<Int>] = [:]
    var needsPerTheme: [String: [Int]] = [:]

    init(_ server: TestServer) throws {
        let cop = try CommunityFixture(server, settings: #","min_cell_size":3"#)
        self.cop = cop
        func organisation(_ body: String) throws -> String {
            try server.send("POST", "/v1/organisations", token: cop.admin, json: body).json["id"] as! String
        }
        let education = try organisation(
            #"{"name":"Education \#(CommunityFixture.suffix())","kind":"government","country":"KE","sector":"education"}"#
        )
        let finance = try organisation(
            #"{"name":"Finance \#(CommunityFixture.suffix())","kind":"government","country":"GH","sector":"finance"}"#)
        var people: [Person] = []
        for index in 0..<8 {
            let extra =
                index < 4
                ? #","organisation_id":"\#(education)""#
                : index < 6 ? #","organisation_id":"\#(finance)""# : #","country":"NG""#
            let person = try cop.person(kind: index < 6 ? "official" : "scholar", extra: extra)
            try cop.admit(person)
            people.append(person)
        }
        self.people = people
        func theme(_ name: String) throws -> String {
            let created = try cop.send(
                "POST", "/v1/communities/\(cop.id)/themes", as: cop.convenor, json: #"{"name":"\#(name)"}"#)
            try #require(created.status == 201, "\(created.text)")
            return created.json["id"] as! String
        }
        procurement = try theme("Procurement")
        connectivity = try theme("Connectivity")
        training = try theme("Teacher training")
        let devices = try theme("Devices")
        let circle =
            try cop.send("POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor, json: #"{"name":"Treasury"}"#)
            .json["id"] as! String
        self.circle = circle
        for index in [4, 5] {
            _ = try cop.send(
                "POST", "/v1/circles/\(circle)/members", as: cop.convenor,
                json: #"{"account_id":"\#(people[index].id)"}"#)
        }
        try need(by: 0, themes: [procurement], urgency: 5, cosigners: [1, 2, 4])
        try need(by: 3, themes: [procurement, connectivity], urgency: 3, cosigners: [5])
        try need(by: 6, themes: [connectivity], urgency: 4, cosigners: [7])
        // Devices is merged into procurement: its need and people move with it.
        try need(by: 4, themes: [devices], urgency: 2, cosigners: [])
        let merged = try cop.send(
            "POST", "/v1/themes/\(devices)/merge", as: cop.convenor, json: #"{"into":"\#(procurement)"}"#)
        try #require(merged.status == 200, "\(merged.text)")
        expected[procurement, default: []].formUnion(expected.removeValue(forKey: devices) ?? [])
        needsPerTheme[procurement, default: []] += needsPerTheme.removeValue(forKey: devices) ?? []
    }

    func need(by author: Int, themes: [String], urgency: Int, cosigners: [Int], circle: String? = nil) throws {
        let list = themes.map { "\"\($0)\"" }.joined(separator: ",")
        let inCircle = circle.map { #","circle_id":"\#($0)""# } ?? ""
        let created = try cop.send(
            "POST", "/v1/communities/\(cop.id)/needs", as: people[author],
            json: #"{"title":"Need of \#(author)","urgency":\#(urgency),"theme_ids":[\#(list)]\#(inCircle)}"#)
        try #require(created.status == 201, "\(created.text)")
        let id = created.json["id"] as! String
        for cosigner in cosigners {
            try #require(try cop.send("POST", "/v1/needs/\(id)/cosigns", as: people[cosigner]).status == 201)
        }
        guard circle == nil else { return }
        for theme in themes {
            expected[theme, default: []].formUnion([author] + cosigners)
            needsPerTheme[theme, default: []].append(urgency)
        }
    }

    func analysis(as person: Person, _ query: String = "") throws -> [String: Any] {
        let answer = try cop.send("GET", "/v1/communities/\(cop.id)/needs/analysis\(query)", as: person)
        try #require(answer.status == 200, "\(answer.text)")
        return answer.json
    }

    static func figures(_ analysis: [String: Any], _ theme: String) -> [String: Any]? {
        (analysis["themes"] as? [[String: Any]])?.first { ($0["theme"] as? [String: Any])?["id"] as? String == theme }
    }
}

/// A theme's published figures as the release the adversary reads.
func release(_ figures: [String: Any]) -> PeopleBreakdown {
    func cells(_ key: String) -> [PeopleBreakdown.Cell] {
        (figures[key] as? [[String: Any]] ?? []).map {
            PeopleBreakdown.Cell(value: $0["value"] as? String, count: $0["members"] as? Int)
        }
    }
    var release = PeopleBreakdown([], minimum: 1)
    release.total = figures["members"] as? Int
    release.byCountry = cells("by_country")
    release.byRegion = cells("by_region")
    release.bySector = cells("by_sector")
    release.byOrganisationKind = cells("by_organisation_kind")
    return release
}

@Suite struct AnalysisTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    @Test func figuresMatchWhatTheNeedsSayAndSmallCellsCannotBeRecovered() throws {
        let world = try AnalysisWorld(server)
        let viewer = world.people[0]
        let analysis = try world.analysis(as: viewer)
        #expect(
            analysis["min_cell_size"] as? Int == 3
                && analysis["suppression_method"] as? String == "secondary_suppression")
        let unsuppressed = try world.analysis(as: world.cop.convenor, "?suppression=off")
        #expect(unsuppressed["suppression_method"] as? String == "none")
        for theme in [world.procurement, world.connectivity, world.training] {
            let people = world.expected[theme] ?? []
            let urgencies = world.needsPerTheme[theme] ?? []
            let figures = try #require(AnalysisWorld.figures(analysis, theme))
            #expect(figures["needs"] as? Int == urgencies.count)
            // Published counts are the true ones; the rest is suppressed, never shown as another number.
            if let members = figures["members"] as? Int {
                #expect(members == people.count)
                let mean = Double(urgencies.reduce(0, +)) / Double(max(urgencies.count, 1))
                #expect(abs((figures["mean_urgency"] as? Double ?? -1) - mean) < 0.01 || urgencies.isEmpty)
            } else {
                #expect(figures["suppressed"] as? Bool == true && figures["priority"] is NSNull)
            }
            let countries = Dictionary(grouping: people) { index in index < 4 ? "KE" : index < 6 ? "GH" : "NG" }
                .mapValues(\.count)
            for cell in figures["by_country"] as? [[String: Any]] ?? [] {
                let value = cell["value"] as? String ?? ""
                if let count = cell["members"] as? Int { #expect(count == countries[value], "\(value)") }
            }
            #expect(Adversary(release(figures)).leaks(minimum: 3) == [], "\(figures)")
            // The convenor's unsuppressed view shows every count as it is.
            let whole = try #require(AnalysisWorld.figures(unsuppressed, theme))
            #expect(whole["members"] as? Int == people.count)
            for cell in whole["by_country"] as? [[String: Any]] ?? [] {
                #expect(cell["members"] as? Int == countries[cell["value"] as? String ?? ""])
            }
        }
        // Procurement: six people, four in Kenya, two in Ghana; Ghana's two cannot be published,
        // so neither can Kenya's four (the total would give them away), but the total can.
        let procurement = try #require(AnalysisWorld.figures(analysis, world.procurement))
        #expect(procurement["members"] as? Int == 6)
        #expect((procurement["by_country"] as? [[String: Any]])?.allSatisfy { $0["members"] is NSNull } == true)
        #expect(procurement["priority"] as? Double != nil)
        let gaps = (analysis["gaps"] as? [[String: Any]] ?? []).compactMap { $0["score"] as? Int }
        #expect(gaps == [20, 8, 6, 2])
    }

    /// The needs list filters by its authors' country and sector (as participation reads them);
    /// the trend and the emerging themes count this month's members.
    @Test func filtersByWhereAuthorsComeFromAndTheTrendCountsThisMonth() throws {
        let world = try AnalysisWorld(server)
        func authors(_ query: String) throws -> Set<String> {
            let page = try world.cop.send(
                "GET", "/v1/communities/\(world.cop.id)/needs?limit=100&\(query)", as: world.cop.convenor)
            return Set(
                (page.json["data"] as? [[String: Any]] ?? []).compactMap {
                    ($0["author"] as? [String: Any])?["id"] as? String
                })
        }
        #expect(try authors("country=GH") == [world.people[4].id])
        #expect(try authors("sector=finance") == [world.people[4].id])
        #expect(try authors("country=KE&country=NG") == [world.people[0].id, world.people[3].id, world.people[6].id])
        #expect(try authors("country=KE&sector=finance").isEmpty)
        let analysis = try world.analysis(as: world.people[0])
        let month = String(Timestamp.format(Date()).prefix(7))
        let trend = (analysis["trend"] as? [[String: Any]] ?? []).first {
            $0["theme_id"] as? String == world.procurement && $0["month"] as? String == month
        }
        #expect(trend?["members"] as? Int == 6)
        let emerging = (analysis["emerging"] as? [[String: Any]] ?? []).first {
            ($0["theme"] as? [String: Any])?["id"] as? String == world.procurement
        }
        #expect(emerging?["recent_members"] as? Int == 6 && emerging?["previous_members"] as? Int == 0)
        #expect(emerging?["growth"] is NSNull)
        #expect(analysis["window_days"] as? Int == 90)
    }

    /// A month can hold everyone behind a theme: where the theme's total is hidden, so are its
    /// trend and emerging counts.
    @Test func aThemesHiddenTotalStaysHiddenInTheTrend() throws {
        let world = try AnalysisWorld(server)
        let solo =
            try world.cop.send(
                "POST", "/v1/communities/\(world.cop.id)/themes", as: world.cop.convenor, json: #"{"name":"Solo"}"#
            ).json["id"] as! String
        try world.need(by: 6, themes: [solo], urgency: 3, cosigners: [7])
        let analysis = try world.analysis(as: world.people[0])
        #expect(AnalysisWorld.figures(analysis, solo)?["members"] is NSNull)
        for point in (analysis["trend"] as? [[String: Any]] ?? []) where point["theme_id"] as? String == solo {
            #expect(point["members"] is NSNull && point["suppressed"] as? Bool == true)
        }
        let emerging = (analysis["emerging"] as? [[String: Any]] ?? []).first {
            ($0["theme"] as? [String: Any])?["id"] as? String == solo
        }
        #expect(emerging?["recent_members"] is NSNull)
    }

    /// Someone outside a circle gets exactly the figures they got before its needs existed.
    @Test func aCirclesNeedsNeitherCountNorShowForThoseOutsideIt() throws {
        let world = try AnalysisWorld(server)
        let outside = world.people[0]
        let before = try world.analysis(as: outside)
        try world.need(
            by: 4, themes: [world.training, world.procurement], urgency: 5, cosigners: [5], circle: world.circle)
        let after = try world.analysis(as: outside)
        for key in ["themes", "trend", "emerging", "gaps"] {
            #expect(
                try JSONSerialization.data(withJSONObject: before[key]!, options: .sortedKeys)
                    == JSONSerialization.data(withJSONObject: after[key]!, options: .sortedKeys), "\(key)")
        }
        // Inside the circle the need counts (two people: suppressed, as the convenor's whole view shows).
        let inside = try world.analysis(as: world.people[5])
        let training = try #require(AnalysisWorld.figures(inside, world.training))
        #expect(training["needs"] as? Int == 1 && training["suppressed"] as? Bool == true)
        let whole = try world.analysis(as: world.cop.convenor, "?suppression=off")
        #expect(AnalysisWorld.figures(whole, world.training)?["members"] as? Int == 2)
    }

    @Test func theUnsuppressedViewIsForConvenorsAndAudited() throws {
        let world = try AnalysisWorld(server)
        let refused = try world.cop.send(
            "GET", "/v1/communities/\(world.cop.id)/needs/analysis?suppression=off", as: world.people[0])
        #expect(refused.status == 403 && problemKind(refused) == "convenor-required")
        _ = try world.analysis(as: world.cop.convenor, "?suppression=off")
        let events = try world.cop.send(
            "GET", "/v1/communities/\(world.cop.id)/audit-events?action=needs.analysis_unsuppressed",
            as: world.cop.convenor)
        #expect((events.json["data"] as? [Any])?.count == 1)
        for bad in ["suppression=maybe", "window=3", "by=planet"] {
            #expect(
                try world.cop.send(
                    "GET", "/v1/communities/\(world.cop.id)/needs/analysis?\(bad)", as: world.cop.convenor
                )
                .status == 400, "\(bad)")
        }
        #expect(
            try world.cop.send("GET", "/v1/communities/\(world.cop.id)/needs/analysis", as: world.cop.outsider).status
                == 404)
        #expect(
            try world.cop.send("GET", "/v1/communities/\(world.cop.id)/needs/analysis", as: world.cop.observer).status
                == 200)
    }

    /// CSV parses, one record per cell; the SVG heatmap is well-formed with one labelled cell per
    /// theme and country; a theme's name is only ever text in both.
    @Test func theAnalysisAsATableAndAPicture() throws {
        let world = try AnalysisWorld(server)
        let hostile = #"<script>&"x"</script>"#
        let formula = "=HYPERLINK(\"http://x\")"
        for name in [hostile, formula] {
            let escapedName = name.replacingOccurrences(of: "\"", with: "\\\"")
            let theme = try world.cop.send(
                "POST", "/v1/communities/\(world.cop.id)/themes", as: world.cop.convenor,
                json: #"{"name":"\#(escapedName)"}"#)
            try #require(theme.status == 201, "\(theme.text)")
            try world.need(by: 1, themes: [theme.json["id"] as! String], urgency: 2, cosigners: [2, 3])
        }
        func get(_ accept: String, _ query: String = "") throws -> HTTPResult {
            try server.send(
                "GET", "/v1/communities/\(world.cop.id)/needs/analysis\(query)", token: world.people[0].token,
                headers: [("Accept", accept)])
        }
        let json = try world.analysis(as: world.people[0])
        let themes = json["themes"] as! [[String: Any]]

        let csv = try get("text/csv")
        #expect(
            csv.header("Content-Type")?.hasPrefix("text/csv") == true
                && csv.header("Vary")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains(
                    "Accept") == true
        )
        let records = try CSV.records(csv.text)
        #expect(records.first == ["theme_id", "theme", "dimension", "value", "members", "suppressed"])
        let cells = themes.map { figures in
            1
                + ["by_country", "by_region", "by_sector", "by_organisation_kind"].reduce(0) {
                    $0 + ((figures[$1] as? [Any])?.count ?? 0)
                }
        }
        #expect(records.count == 1 + cells.reduce(0, +))
        #expect(records.contains { $0[1] == hostile })
        #expect(records.contains { $0[1] == "'" + formula } && !records.contains { $0[1] == formula })

        let svg = try get("image/svg+xml", "?by=country")
        #expect(svg.header("Content-Type") == "image/svg+xml")
        let document = try SVGDocument(svg.text)
        #expect(document.title == "Needs by theme and country" && !document.description.isEmpty)
        let countries = Set(
            themes.flatMap { ($0["by_country"] as? [[String: Any]] ?? []).map { $0["value"] as? String ?? "none" } })
        #expect(document.cells.count == themes.count * countries.count)
        #expect(document.cells.contains { $0.hasPrefix("\(hostile), ") })
        // A suppressed cell says so; it is never drawn as a zero.
        let procurement = try #require(AnalysisWorld.figures(json, world.procurement))
        #expect(document.cells.contains("Procurement, KE: suppressed"))
        #expect(procurement["members"] as? Int == 6)

        let trend = try server.send(
            "GET", "/v1/communities/\(world.cop.id)/needs/analysis/trend.svg?theme=\(world.procurement)",
            token: world.people[0].token)
        #expect(trend.status == 200)
        #expect(try SVGDocument(trend.text).cells.count == 12)
        #expect(try get("text/html").status == 406)
        #expect(try get("application/json;q=0.5, text/csv").header("Content-Type")?.hasPrefix("text/csv") == true)
    }
}

/// An analysis is computed once and kept for those who see the same needs; a change to what it
/// counts is in the next answer, and nobody is answered from another's figures.
@Suite struct AnalysisReleaseTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    @Test func keptFiguresAreSharedOnlyByThoseWhoSeeTheSameNeeds() throws {
        let world = try AnalysisWorld(server)
        try world.need(by: 4, themes: [world.training], urgency: 5, cosigners: [5], circle: world.circle)
        func trainingNeeds(as person: Person) throws -> Int {
            try AnalysisWorld.figures(try world.analysis(as: person), world.training)?["needs"] as? Int ?? 0
        }
        // Inside the circle first, then outside, then inside again: each as they see it.
        #expect(try trainingNeeds(as: world.people[5]) == 1)
        #expect(try trainingNeeds(as: world.people[0]) == 0)
        #expect(try trainingNeeds(as: world.people[5]) == 1)
        // The author leaves the circle: their own need still counts for them, and for nobody
        // else who stands where they now stand.
        let left = try world.cop.send(
            "DELETE", "/v1/circles/\(world.circle)/members/\(world.people[4].id)", as: world.cop.convenor)
        try #require(left.status == 204, "\(left.text)")
        #expect(try trainingNeeds(as: world.people[4]) == 1)
        #expect(try trainingNeeds(as: world.people[6]) == 0)
        // An item on a meeting closed to observers answers a need for the members only.
        let top = try #require(
            (try world.analysis(as: world.people[0])["gaps"] as? [[String: Any]])?.first?["need"] as? [String: Any])
        let meeting = try world.cop.send(
            "POST", "/v1/communities/\(world.cop.id)/meetings", as: world.cop.convenor,
            json:
                #"{"title":"Members' clinic","starts_at":"2027-01-12T13:00:00.000Z","ends_at":"2027-01-12T14:00:00.000Z","time_zone":"UTC","observers_allowed":false}"#
        )
        try #require(meeting.status == 201, "\(meeting.text)")
        let item = try world.cop.send(
            "POST", "/v1/communities/\(world.cop.id)/agenda", as: world.cop.convenor,
            json:
                #"{"title":"Clinic","need_ids":["\#(top["id"] as! String)"],"meeting_id":"\#(meeting.json["id"] as! String)","status":"scheduled"}"#
        )
        try #require(item.status == 201, "\(item.text)")
        func gaps(as person: Person) throws -> [String] {
            (try world.analysis(as: person)["gaps"] as? [[String: Any]] ?? []).compactMap {
                ($0["need"] as? [String: Any])?["id"] as? String
            }
        }
        #expect(try !gaps(as: world.people[0]).contains(top["id"] as! String))
        #expect(try gaps(as: world.cop.observer).first == top["id"] as? String)
        // A vendor, where needs are kept from vendors (the default), after a member.
        #expect(
            try AnalysisWorld.figures(try world.analysis(as: world.people[0]), world.procurement)?["needs"] as? Int == 3
        )
        #expect(
            try AnalysisWorld.figures(try world.analysis(as: world.cop.vendor), world.procurement)?["needs"] as? Int
                == 0)
    }

    @Test func aChangeToWhatIsCountedIsInTheNextAnswer() throws {
        let world = try AnalysisWorld(server)
        let convenor = world.cop.convenor
        func figures(_ theme: String) throws -> [String: Any] {
            try #require(AnalysisWorld.figures(try world.analysis(as: convenor, "?suppression=off"), theme))
        }
        func countries(_ theme: String) throws -> [String: Int] {
            Dictionary(
                uniqueKeysWithValues: (try figures(theme)["by_country"] as? [[String: Any]] ?? []).map {
                    ($0["value"] as? String ?? "none", $0["members"] as? Int ?? -1)
                })
        }
        #expect(try figures(world.connectivity)["members"] as? Int == 4)
        // A co-sign.
        let needs = try world.cop.send(
            "GET", "/v1/communities/\(world.cop.id)/needs?theme=\(world.connectivity)", as: convenor)
        let need = try #require((needs.json["data"] as? [[String: Any]])?.first?["id"] as? String)
        #expect(try world.cop.send("POST", "/v1/needs/\(need)/cosigns", as: world.people[1]).status == 201)
        #expect(try figures(world.connectivity)["members"] as? Int == 5)
        // A member moves country: their count moves with them.
        let scholar = world.people[6]
        #expect(try countries(world.connectivity)["NG"] == 2)
        let account = try server.send("GET", "/v1/accounts/\(scholar.id)", token: world.cop.admin)
        let moved = try server.send(
            "PATCH", "/v1/accounts/\(scholar.id)", token: world.cop.admin,
            headers: [("If-Match", account.header("ETag")!), ("Content-Type", "application/merge-patch+json")],
            json: #"{"country":"FR"}"#)
        try #require(moved.status == 200, "\(moved.text)")
        #expect(try countries(world.connectivity)["NG"] == 1 && countries(world.connectivity)["FR"] == 1)
        // A theme renamed.
        let theme = try world.cop.send("GET", "/v1/themes/\(world.training)", as: convenor)
        let renamed = try world.cop.send(
            "PATCH", "/v1/themes/\(world.training)", as: convenor,
            json: #"{"name":"Teacher development"}"#, headers: [("If-Match", theme.header("ETag")!)])
        try #require(renamed.status == 200, "\(renamed.text)")
        #expect((try figures(world.training)["theme"] as? [String: Any])?["name"] as? String == "Teacher development")
    }

    @Test func aClientHoldingTheCurrentAnswerGets304() throws {
        let world = try AnalysisWorld(server)
        let path = "/v1/communities/\(world.cop.id)/needs/analysis"
        let reader = world.people[0]
        let first = try world.cop.send("GET", path, as: reader)
        let tag = try #require(first.header("ETag"))
        let again = try world.cop.send("GET", path, as: reader, headers: [("If-None-Match", tag)])
        #expect(again.status == 304 && again.header("ETag") == tag && again.text.isEmpty)
        let csv = try world.cop.send("GET", path, as: reader, headers: [("Accept", "text/csv")])
        #expect(csv.status == 200 && csv.header("ETag") != tag)
        try world.need(by: 2, themes: [world.training], urgency: 4, cosigners: [0, 1])
        let changed = try world.cop.send("GET", path, as: reader, headers: [("If-None-Match", tag)])
        #expect(changed.status == 200 && changed.header("ETag") != tag)
    }
}

/// What an SVG document tells a reader who cannot see it: its title, its description and the
/// label of every marked value.
struct SVGDocument {
    var title = ""
    var description = ""
    var cells: [String] = []

    init(_ text: String) throws {
        final class Reader: NSObject, XMLParserDelegate {
            var path: [String] = []
            var title = ""
            var summary = ""
            var cells: [String] = []
            func parser(
                _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]
            ) {
                path.append(element)
                if element == "g", attributes["role"] == "img", let label = attributes["aria-label"],
                    !label.hasPrefix("Legend")
                {
                    cells.append(label)
                }
            }
            func parser(
                _ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?
            ) {
                path.removeLast()
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) {
                if path == ["svg", "title"] { title += string }
                if path == ["svg", "desc"] { summary += string }
            }
        }
        let parser = XMLParser(data: Data(text.utf8))
        let reader = Reader()
        parser.delegate = reader
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
        title = reader.title
        description = reader.summary
        cells = reader.cells
    }
}

@Suite struct PeerTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func peers(_ world: AnalysisWorld, as person: Person, of member: Person? = nil) throws -> [(String, Double)]
    {
        let path =
            member.map { "/v1/communities/\(world.cop.id)/members/\($0.id)/peers" }
            ?? "/v1/me/peers?community_id=\(world.cop.id)"
        let answer = try world.cop.send("GET", path, as: person)
        try #require(answer.status == 200, "\(answer.text)")
        return (answer.json["data"] as? [[String: Any]] ?? []).map {
            (($0["account"] as? [String: Any])?["id"] as? String ?? "", $0["score"] as? Double ?? -1)
        }
    }

    /// Person 3 (a Kenyan education official) shares procurement and connectivity with person 5
    /// (Ghana, finance), one theme with 4, 6 and 7; 0 to 2 share too but are of 3's own sector
    /// and country, which peers never are.
    @Test func peersCrossSilosAndShareThemes() throws {
        let world = try AnalysisWorld(server)
        let people = world.people
        let found = try peers(world, as: people[3])
        #expect(found.map(\.0) == [people[5], people[4], people[6], people[7]].map(\.id))
        #expect(found.map(\.1) == [1.0, 0.5, 0.5, 0.5])
        // A convenor sees the same for a member; a member may not ask about another.
        #expect(try peers(world, as: world.cop.convenor, of: people[3]).map(\.0) == found.map(\.0))
        let refused = try world.cop.send(
            "GET", "/v1/communities/\(world.cop.id)/members/\(people[3].id)/peers", as: people[0])
        #expect(refused.status == 403 && problemKind(refused) == "convenor-required")
        #expect(
            try world.cop.send(
                "GET", "/v1/communities/\(world.cop.id)/members/\(world.cop.outsider.id)/peers", as: world.cop.convenor
            ).status == 404)
        #expect(
            try world.cop.send("GET", "/v1/me/peers?community_id=\(world.cop.id)", as: world.cop.outsider).status == 404
        )
    }

    /// A circle's needs make peers only for those who see them.
    @Test func peersNeverComeFromWhatTheCallerCannotSee() throws {
        let world = try AnalysisWorld(server)
        let people = world.people
        #expect(
            try world.cop.send(
                "POST", "/v1/circles/\(world.circle)/members", as: world.cop.convenor,
                json: #"{"account_id":"\#(people[3].id)"}"#
            ).status == 201)
        let before = try peers(world, as: people[6])
        try world.need(by: 4, themes: [world.training], urgency: 3, cosigners: [3], circle: world.circle)
        let after = try peers(world, as: people[6])
        #expect(after.map(\.0) == before.map(\.0) && after.map(\.1) == before.map(\.1))
        // The convenor, in the circle, sees 3 and 4 share teacher training now.
        let inside = try world.cop.send(
            "GET", "/v1/communities/\(world.cop.id)/members/\(people[4].id)/peers", as: world.cop.convenor)
        let three = (inside.json["data"] as? [[String: Any]])?.first {
            ($0["account"] as? [String: Any])?["id"] as? String == people[3].id
        }
        let shared = (three?["shared_themes"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(shared.contains(world.training))
        // Someone outside the circle asking about 4 does not see it.
        let outside = try world.cop.send("GET", "/v1/me/peers?community_id=\(world.cop.id)", as: people[3])
        #expect(outside.status == 200)
        let second = try CommunityFixture.person(server, world.cop.admin)
        try world.cop.admit(second, role: "convenor")
        let byOtherConvenor = try world.cop.send(
            "GET", "/v1/communities/\(world.cop.id)/members/\(people[4].id)/peers", as: second)
        let seen = (byOtherConvenor.json["data"] as? [[String: Any]] ?? []).flatMap {
            ($0["shared_themes"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        #expect(!seen.contains(world.training))
    }
}
