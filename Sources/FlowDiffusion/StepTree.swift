/// The one model of a refinement's history: every step taken, as a tree. Stepping on from an earlier step
/// (other knobs, a forced token) adds a second child there, which starts a branch; the old future stays
/// reachable. The `Refiner` keeps its loop states in one (`StepTree<StepNode>`); the TUI keeps the frames
/// it draws in another (`StepTree<StepFrame>`), shaped by what the Refiner answers, so both fork, replace and
/// forget by the same rules. A value type: a copy is a snapshot, and the UI can hold one without locks.
///
/// A branch is one line from a root to a tip (a leaf). Each node belongs to the branch it was added on: a
/// node added under a childless parent extends the parent's branch, any other node starts a new one. Branch
/// ids only grow, so sorting tips by branch gives the order branches were made (what `b` cycles through).
public struct StepTree<Value> {
    public struct Node {
        public let id: Int
        /// nil for a root (a Refiner's first step follows the initial canvas, which is no node).
        public let parent: Int?
        public let branch: Int
        public internal(set) var value: Value
    }

    /// At most this many branches are kept by a caller that forgets old ones (`forgetOldestBranches`), so
    /// hours of exploring cannot grow memory without bound; the TUI then tells the Refiner which steps to
    /// keep (`Refiner.retain(nodes:)`).
    public static var maximumBranches: Int { 16 }

    // Indexed by id, the structure apart from the values, so walking the tree never copies a value (a
    // frame or a loop state holds arrays; copying one per visited node made every redraw O(nodes) retains).
    // Ids are never reused, so old ids held elsewhere stay unambiguous.
    private var storedValues: [Value?] = []
    // Whether an id is kept, apart from the values: asking must not copy one (a generic optional check does).
    private var kept: [Bool] = []
    private var parents: [Int?] = []
    private var branchOf: [Int] = []
    private var childLists: [[Int]] = []
    private var roots: [Int] = []
    private var nextBranch = 0

    public init() {}

    public subscript(id: Int) -> Node? {
        guard storedValues.indices.contains(id), let value = storedValues[id] else { return nil }
        return Node(id: id, parent: parents[id], branch: branchOf[id], value: value)
    }

    public func isKept(_ id: Int) -> Bool { kept.indices.contains(id) && kept[id] }

    /// The branch a kept node belongs to.
    public func branch(of id: Int) -> Int? { isKept(id) ? branchOf[id] : nil }

    /// Ids of the nodes kept, oldest first.
    public var ids: [Int] { kept.indices.filter { kept[$0] } }
    public var values: [Value] { storedValues.compactMap { $0 } }

    /// Children of a node (nil = the roots), oldest first.
    public func children(of parent: Int?) -> [Int] {
        guard let parent else { return roots }
        return isKept(parent) ? childLists[parent] : []
    }

    /// Tips of every branch kept, oldest first.
    public var leaves: [Int] { ids.filter { childLists[$0].isEmpty } }

    /// Tips in the order their branches were made.
    public var branchTips: [Int] { leaves.sorted { branchOf[$0] < branchOf[$1] } }

    /// Node ids from the root down to `id` (empty for nil or a removed node).
    public func path(to id: Int?) -> [Int] {
        var path: [Int] = []
        var current = id
        while let here = current, isKept(here) { path.append(here); current = parents[here] }
        return path.reversed()
    }

    /// The tip reached from `id` by following its own branch down (the first child extends a branch).
    public func tip(below id: Int) -> Int {
        var here = id
        while isKept(here), let next = childLists[here].first { here = next }
        return here
    }

    /// Adds `value` under `parent` (nil = a new root); returns its id.
    @discardableResult
    public mutating func add(_ value: Value, under parent: Int?) -> Int {
        let linked = parent.flatMap { isKept($0) ? $0 : nil }
        let branch: Int
        if let linked, childLists[linked].isEmpty {
            branch = branchOf[linked]
        } else {
            branch = nextBranch
            nextBranch += 1
        }
        let id = storedValues.count
        storedValues.append(value)
        kept.append(true)
        parents.append(parent)
        branchOf.append(branch)
        childLists.append([])
        if let linked { childLists[linked].append(id) } else if parent == nil { roots.append(id) }
        return id
    }

    /// Replaces a node's value in place (a re-plan of a step with no future yet).
    public mutating func replace(_ id: Int, with value: Value) {
        guard isKept(id) else { return }
        storedValues[id] = value
    }

    /// Removes a node and everything below it; returns the ids removed.
    @discardableResult
    public mutating func remove(subtree id: Int) -> [Int] {
        guard isKept(id) else { return [] }
        detach(id)
        var removed: [Int] = []
        var doomed = [id]
        while let next = doomed.popLast() {
            doomed += childLists[next]
            drop(next)
            removed.append(next)
        }
        return removed
    }

    /// Keeps the nodes in `keep` and their ancestors and removes every other; returns the ids kept.
    @discardableResult
    public mutating func retain(pathsTo keep: Set<Int>) -> Set<Int> {
        var retained = Set<Int>()
        for start in keep {
            var id: Int? = start
            while let current = id, isKept(current), retained.insert(current).inserted { id = parents[current] }
        }
        for id in ids where !retained.contains(id) { drop(id) }
        roots.removeAll { !retained.contains($0) }
        for id in retained { childLists[id].removeAll { !retained.contains($0) } }
        return retained
    }

    /// Forgets the oldest branches other than the one ending at `tip` until at most `limit` are left: only the
    /// nodes no other branch passes through go. Returns whether anything was forgotten.
    @discardableResult
    public mutating func forgetOldestBranches(beyond limit: Int, keeping tip: Int) -> Bool {
        var forgot = false
        var tips = branchTips
        while tips.count > limit, let oldest = tips.first(where: { $0 != tip }) {
            var id: Int? = oldest
            while let current = id, isKept(current), childLists[current].isEmpty {
                id = parents[current]
                detach(current)
                drop(current)
            }
            tips.removeAll { $0 == oldest }
            forgot = true
        }
        return forgot
    }

    /// Unlinks a node from its parent's children (or the roots).
    private mutating func detach(_ id: Int) {
        if let parent = parents[id] {
            if isKept(parent) { childLists[parent].removeAll { $0 == id } }
        } else {
            roots.removeAll { $0 == id }
        }
    }

    /// Frees a node's value and child list; its id stays taken.
    private mutating func drop(_ id: Int) {
        storedValues[id] = nil
        kept[id] = false
        childLists[id] = []
    }
}

extension StepTree: Sendable where Value: Sendable {}
extension StepTree.Node: Sendable where Value: Sendable {}
extension StepTree: Equatable where Value: Equatable {}
extension StepTree.Node: Equatable where Value: Equatable {}
extension StepTree: Hashable where Value: Hashable {}
extension StepTree.Node: Hashable where Value: Hashable {}
