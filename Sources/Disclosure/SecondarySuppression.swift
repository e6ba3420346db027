/// Which counts of a release to publish so that no suppressed count can be narrowed down to a
/// small number from everything published with it: secondary cell suppression with an audit
/// loop (Hundepool et al., *Statistical Disclosure Control*, 2012, ch. 4). Every count under the
/// minimum is suppressed (primary); then, while the exact auditor (`SumTree.feasibleRanges`)
/// finds a suppressed count that leaks, one more count is suppressed, chosen next to the leak:
/// the smallest published sibling, else the smallest published child, else the smallest
/// published count under those, else the parent, and so on up the tree, the total last, taking
/// the first whose suppression tells a reader less about the leaking count. The same counts
/// always give the same choice.
public enum SecondarySuppression {
    /// How a release that uses this method names it.
    public static let methodName = "secondary_suppression"

    /// Whether a count may stand on its own (primary suppression): from `minimum` on, or 0, since
    /// nobody is no one to identify.
    public static func isPublishable(_ count: Int, minimum: Int) -> Bool {
        count == 0 || count >= minimum
    }

    /// The indices of the nodes to publish.
    public static func published(_ tree: SumTree, minimum: Int) -> Set<Int> {
        var published = Set(tree.nodes.indices.filter { isPublishable(tree.nodes[$0].count, minimum: minimum) })
        let parents = tree.parents
        while let leaking = tree.leaks(published: published, minimum: minimum).first {
            guard let next = nextToSuppress(near: leaking, in: tree, parents: parents, published: published) else {
                break
            }
            published.remove(next)
        }
        return published
    }

    /// The count to suppress next: the nearest to the leak (by tier, smallest first) whose
    /// suppression widens what a reader can tell about the leaking count; else any such count,
    /// smallest first; else, when no single count would (the leaking count is pinned by two
    /// relations at once), the nearest, so that the next round can widen it.
    static func nextToSuppress(near leaking: Int, in tree: SumTree, parents: [Int?], published: Set<Int>) -> Int? {
        let bySize = { (left: Int, right: Int) in (tree.nodes[left].count, left) < (tree.nodes[right].count, right) }
        let range = tree.feasibleRanges(published: published)[leaking]
        func widens(_ node: Int) -> Bool {
            tree.feasibleRanges(published: published.subtracting([node]))[leaking] != range
        }
        let near = tiers(near: leaking, in: tree, parents: parents).flatMap {
            $0.filter(published.contains).sorted(by: bySize)
        }
        let anywhere = published.sorted(by: bySize)
        return near.first(where: widens) ?? anywhere.first(where: widens) ?? near.first ?? anywhere.first
    }

    /// The counts next to a node, nearest first: its siblings, its children, what lies under
    /// those, its parent; then the same around the parent, up to the total.
    static func tiers(near leaking: Int, in tree: SumTree, parents: [Int?]) -> [[Int]] {
        func children(_ node: Int) -> [Int] { tree.nodes[node].groups.flatMap { $0 } }
        func descendants(_ node: Int) -> [Int] { children(node).flatMap { [$0] + descendants($0) } }
        var tiers = [children(leaking), children(leaking).flatMap(descendants)]
        var node = leaking
        while let parent = parents[node] {
            let siblings = tree.nodes[parent].groups.first { $0.contains(node) }!.filter { $0 != node }
            tiers.insert(siblings, at: node == leaking ? 0 : tiers.count)
            tiers += [siblings.flatMap(descendants), [parent]]
            node = parent
        }
        return tiers
    }
}
