/// People counted four ways and published together: by country, by UN M49 region, by
/// organisation kind and by sector. The release is one `SumTree`: the total; its regions, each
/// the sum of its countries (no country, and countries M49 does not list, under the region
/// "none"); and its organisation kinds, where `government` is the sum of the sectors and the
/// sector "none" is the sum of every other kind (a sector is set exactly for government bodies).
/// `SecondarySuppression` then decides what is published across all four lists at once.
public struct PeopleBreakdown: Sendable, Equatable {
    /// People sharing a sector, country and organisation kind (nil: nothing recorded).
    public struct Group: Sendable, Equatable {
        public var sector: String?
        public var country: String?
        public var kind: String?
        public var count: Int

        public init(sector: String?, country: String?, kind: String?, count: Int) {
            self.sector = sector
            self.country = country
            self.kind = kind
            self.count = count
        }
    }

    /// One value of a list and its count; a nil `count` is suppressed.
    public struct Cell: Sendable, Equatable {
        public var value: String?
        public var count: Int?

        public init(value: String?, count: Int?) {
            self.value = value
            self.count = count
        }
    }

    public static let governmentKind = "government"

    /// Nil when suppressed.
    public var total: Int?
    public var bySector: [Cell]
    public var byCountry: [Cell]
    public var byRegion: [Cell]
    public var byOrganisationKind: [Cell]

    public init(_ groups: [Group], minimum: Int) {
        let release = Self.release(groups)
        let published = SecondarySuppression.published(release.tree, minimum: minimum)
        func cells(_ list: [(value: String?, node: Int)]) -> [Cell] {
            list.map {
                Cell(value: $0.value, count: published.contains($0.node) ? release.tree.nodes[$0.node].count : nil)
            }
        }
        total = published.contains(0) ? release.tree.nodes[0].count : nil
        bySector = cells(release.sectors)
        byCountry = cells(release.countries)
        byRegion = cells(release.regions)
        byOrganisationKind = cells(release.kinds)
    }

    /// The tree of the release, and which node each listed value is.
    static func release(_ groups: [Group]) -> (
        tree: SumTree, countries: [(value: String?, node: Int)], regions: [(value: String?, node: Int)],
        kinds: [(value: String?, node: Int)], sectors: [(value: String?, node: Int)]
    ) {
        func counts(_ groups: [Group], by key: (Group) -> String?) -> [(value: String?, count: Int)] {
            var counts: [String?: Int] = [:]
            for group in groups { counts[key(group), default: 0] += group.count }
            return counts.filter { $0.value > 0 }.map { ($0.key, $0.value) }.sorted { Self.order($0.0, $1.0) }
        }
        let region: (Group) -> String? = { $0.country.flatMap(Regions.subregion(ofCountry:)) }
        var tree = SumTree(total: groups.reduce(0) { $0 + $1.count })

        let regions = counts(groups, by: region)
        let regionNodes = tree.addGroup(under: 0, counts: regions.map(\.count))
        var countries: [(value: String?, node: Int)] = []
        for (regionValue, regionNode) in zip(regions.map(\.value), regionNodes) {
            let inRegion = counts(groups.filter { region($0) == regionValue }, by: \.country)
            let nodes = tree.addGroup(under: regionNode, counts: inRegion.map(\.count))
            countries += zip(inRegion.map(\.value), nodes).map { ($0, $1) }
        }

        let government = groups.filter { $0.kind == governmentKind }
        let others = groups.filter { $0.kind != governmentKind }
        let split = [(Self.governmentKind as String?, government), (nil, others)].filter { !$0.1.isEmpty }
        let splitNodes = tree.addGroup(under: 0, counts: split.map { $0.1.reduce(0) { $0 + $1.count } })
        var kinds: [(value: String?, node: Int)] = []
        var sectors: [(value: String?, node: Int)] = []
        for ((isGovernment, members), node) in zip(split, splitNodes) {
            if isGovernment != nil {
                kinds.append((Self.governmentKind, node))
                let bySector = counts(members, by: \.sector)
                sectors += zip(bySector.map(\.value), tree.addGroup(under: node, counts: bySector.map(\.count))).map {
                    ($0, $1)
                }
            } else {
                sectors.append((nil, node))
                let byKind = counts(members, by: \.kind)
                kinds += zip(byKind.map(\.value), tree.addGroup(under: node, counts: byKind.map(\.count))).map {
                    ($0, $1)
                }
            }
        }
        return (
            tree, countries.sorted { order($0.value, $1.value) },
            regions.map(\.value).enumerated().map {
                ($1, regionNodes[$0])
            }, kinds.sorted { order($0.value, $1.value) }, sectors.sorted { order($0.value, $1.value) }
        )
    }

    /// By value, the null value last.
    static func order(_ left: String?, _ right: String?) -> Bool {
        switch (left, right) {
        case (let left?, let right?): return left < right
        case (.some, nil): return true
        default: return false
        }
    }
}
