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

    /// Indexed by id; nil once removed (ids are never reused, so old ids held elsewhere stay unambiguous).
    private var nodes: [Node?] = []
    private var nextBranch = 0

    public init() {}

    public subscript(id: Int) -> Node? { nodes.indices.contains(id) ? nodes[id] : nil }

    /// Ids of the nodes kept, oldest first.
    public var ids: [Int] { nodes.compactMap { $0?.id } }
    public var values: [Value] { nodes.compactMap { $0?.value } }

    /// Children of a node (nil = the roots), oldest first.
    public func children(of parent: Int?) -> [Int] {
        nodes.compactMap { $0 }.filter { $0.parent == parent }.map(\.id)
    }

    /// Tips of every branch kept, oldest first.
    public var leaves: [Int] {
        var hasChild = Set<Int>()
        for case let node? in nodes { if let parent = node.parent { hasChild.insert(parent) } }
        return ids.filter { !hasChild.contains($0) }
    }

    /// Tips in the order their branches were made.
    public var branchTips: [Int] { leaves.sorted { nodes[$0]!.branch < nodes[$1]!.branch } }

    /// Node ids from the root down to `id` (empty for nil or a removed node).
    public func path(to id: Int?) -> [Int] {
        var path: [Int] = []
        var current = id
        while let here = current, let node = self[here] { path.append(here); current = node.parent }
        return path.reversed()
    }

    /// The tip reached from `id` by following its own branch down (the first child extends a branch).
    public func tip(below id: Int) -> Int {
        var here = id
        while let next = children(of: here).first { here = next }
        return here
    }

    /// Adds `value` under `parent` (nil = a new root); returns its id.
    @discardableResult
    public mutating func add(_ value: Value, under parent: Int?) -> Int {
        let extendsBranch = parent.flatMap { self[$0] }.map { children(of: $0.id).isEmpty } ?? false
        let branch: Int
        if extendsBranch, let parent, let owner = self[parent] {
            branch = owner.branch
        } else {
            branch = nextBranch
            nextBranch += 1
        }
        let id = nodes.count
        nodes.append(Node(id: id, parent: parent, branch: branch, value: value))
        return id
    }

    /// Replaces a node's value in place (a re-plan of a step with no future yet).
    public mutating func replace(_ id: Int, with value: Value) {
        guard self[id] != nil else { return }
        nodes[id]?.value = value
    }

    /// Removes a node and everything below it; returns the ids removed.
    @discardableResult
    public mutating func remove(subtree id: Int) -> [Int] {
        var removed: [Int] = []
        var doomed = self[id] == nil ? [] : [id]
        while let next = doomed.popLast() {
            doomed += children(of: next)
            nodes[next] = nil
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
            while let current = id, let node = self[current], retained.insert(current).inserted { id = node.parent }
        }
        for id in nodes.indices where nodes[id] != nil && !retained.contains(id) { nodes[id] = nil }
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
            while let current = id, children(of: current).isEmpty, let node = self[current] {
                nodes[current] = nil
                id = node.parent
            }
            tips.removeAll { $0 == oldest }
            forgot = true
        }
        return forgot
    }
}

extension StepTree: Sendable where Value: Sendable {}
extension StepTree.Node: Sendable where Value: Sendable {}
extension StepTree: Equatable where Value: Equatable {}
extension StepTree.Node: Equatable where Value: Equatable {}
extension StepTree: Hashable where Value: Hashable {}
extension StepTree.Node: Hashable where Value: Hashable {}
