import FlowDiffusion

/// One line of refinement: frames 0...n, sharing a prefix with the branch it forked from.
public struct Branch: Sendable, Hashable {
    public var id: Int
    public var frames: [StepFrame]
    public init(id: Int, frames: [StepFrame]) { self.id = id; self.frames = frames }
}

/// The frames on screen, kept as FlowDiffusion's `StepTree` (the same model the Refiner keeps its steps in),
/// plus where the user is looking: a branch and a frame on it. Live, the tree follows the Refiner's answers
/// (`record(_:after:)`, `recordReplan`), so a fork here is a fork in the loop; a replayed trace is one line.
/// `b` cycles branches, `B` discards the others. At most `maximumBranches` are kept: a fork beyond that
/// forgets the oldest branch other than the one on screen, and the app tells the Refiner (`keepSteps`).
public struct History: Sendable, Hashable {
    public static var maximumBranches: Int { StepTree<StepFrame>.maximumBranches }

    private var tree = StepTree<StepFrame>()
    /// Tree nodes from frame 0 to the tip of the branch on screen.
    private var path: [Int] { didSet { frames = path.map(frame) } }
    /// The frames of `path`, kept beside it: the renderer reads them per column and per row.
    public private(set) var frames: [StepFrame]
    /// The frame on screen, an index into `path`.
    public private(set) var viewIndex: Int

    public init(start: StepFrame) {
        path = [tree.add(start, under: nil)]
        frames = [start]
        viewIndex = 0
    }

    public var current: StepFrame { frames[viewIndex] }
    public var last: StepFrame { frames[frames.count - 1] }
    public var isAtEnd: Bool { viewIndex == path.count - 1 }
    public var branchID: Int { tree.branch(of: path[path.count - 1]) ?? 0 }
    /// Every branch, oldest first.
    public var branches: [Branch] {
        tree.branchTips.map { tip in Branch(id: tree.branch(of: tip) ?? 0, frames: tree.path(to: tip).map(frame)) }
    }
    public var branchIDs: [Int] { tree.branchTips.compactMap { tree.branch(of: $0) } }

    private func frame(_ node: Int) -> StepFrame { tree[node]!.value }

    public mutating func view(_ index: Int) { viewIndex = min(max(0, index), path.count - 1) }
    public mutating func move(by offset: Int) { view(viewIndex + offset) }

    /// Adds a frame after the viewed one (a replayed trace, or a frame made without the loop). At the end it
    /// extends the branch; earlier it forks a new one.
    public mutating func append(_ frame: StepFrame) {
        show(tree.add(frame, under: path[viewIndex]))
        forgetOldBranches()
    }

    /// The refinement nodes any branch still shows (the loop may forget the others).
    public var nodeIDs: Set<Int> { Set(tree.values.compactMap(\.nodeID)) }

    /// The tree node on branch `branchID` that holds `frame` (where a request was made); nil when that branch
    /// is gone, e.g. forgotten while the request was in flight.
    func treeNode(holding frame: StepFrame, onBranch branchID: Int) -> Int? {
        guard let tip = tree.branchTips.first(where: { tree.branch(of: $0) == branchID }) else { return nil }
        return tree.path(to: tip).last { tree[$0]?.value == frame }
    }

    /// A step (or forced token) the Refiner took from the frame at `parent`. The Refiner re-visits a step it
    /// already holds instead of recomputing it, so a frame already showing that node is shown again.
    mutating func record(_ frame: StepFrame, after parent: Int) {
        if let node = frame.nodeID,
           let known = tree.children(of: parent).first(where: { tree[$0]?.value.nodeID == node }) {
            show(known)
            return
        }
        show(tree.add(frame, under: parent))
        forgetOldBranches()
    }

    /// A re-plan of the frame at `replaced`: in place when the Refiner replaced its node (it had no future),
    /// else a sibling, so the old future stays reachable.
    mutating func recordReplan(_ frame: StepFrame, of replaced: Int) {
        guard let old = tree[replaced] else { return }
        if frame.nodeID == old.value.nodeID {
            tree.replace(replaced, with: frame)
            show(replaced)
        } else {
            show(tree.add(frame, under: old.parent))
            forgetOldBranches()
        }
    }

    /// Views `node` on the branch it belongs to.
    private mutating func show(_ node: Int) {
        path = tree.path(to: tree.tip(below: node))
        viewIndex = path.firstIndex(of: node) ?? path.count - 1
    }

    private mutating func forgetOldBranches() {
        tree.forgetOldestBranches(beyond: Self.maximumBranches, keeping: path[path.count - 1])
    }

    /// Switches to the next branch, keeping the same step index where it exists.
    public mutating func cycleBranch() {
        let tips = tree.branchTips
        guard tips.count > 1, let here = tips.firstIndex(of: path[path.count - 1]) else { return }
        path = tree.path(to: tips[(here + 1) % tips.count])
        viewIndex = min(viewIndex, path.count - 1)
    }

    /// Forgets every branch but the one on screen.
    public mutating func discardOtherBranches() {
        tree.retain(pathsTo: [path[path.count - 1]])
    }
}
