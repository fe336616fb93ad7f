/// One line of refinement: frames 0...n, sharing a prefix with the branch it forked from.
public struct Branch: Sendable, Hashable {
    public var id: Int
    /// The frame index this branch diverged at (0 for the first branch).
    public var forkIndex: Int
    public var frames: [StepFrame]
    public init(id: Int, forkIndex: Int, frames: [StepFrame]) { self.id = id; self.forkIndex = forkIndex; self.frames = frames }
}

/// Every computed step, as a set of branches: continuing from an earlier step with other knobs
/// forks a new branch and keeps the old future reachable (`b` cycles, `B` discards the others).
/// At most `maximumBranches` are kept: a fork beyond that forgets the oldest branch other than the one on
/// screen, so hours of exploring cannot grow memory without bound (frames shared by branches are stored once).
public struct History: Sendable, Hashable {
    public static let maximumBranches = 16

    public private(set) var branches: [Branch]
    public private(set) var activeBranch: Int
    /// The frame on screen, an index into the active branch.
    public private(set) var viewIndex: Int
    private var nextID: Int

    public init(start: StepFrame) {
        branches = [Branch(id: 0, forkIndex: 0, frames: [start])]
        activeBranch = 0
        viewIndex = 0
        nextID = 1
    }

    public var frames: [StepFrame] { branches[activeBranch].frames }
    public var current: StepFrame { frames[viewIndex] }
    public var last: StepFrame { frames[frames.count - 1] }
    public var isAtEnd: Bool { viewIndex == frames.count - 1 }
    public var branchID: Int { branches[activeBranch].id }

    public mutating func view(_ index: Int) { viewIndex = min(max(0, index), frames.count - 1) }
    public mutating func move(by offset: Int) { view(viewIndex + offset) }

    /// Adds a frame after the viewed one. At the end it extends the branch; earlier it forks a new one.
    public mutating func append(_ frame: StepFrame) {
        if isAtEnd {
            branches[activeBranch].frames.append(frame)
        } else {
            let prefix = Array(frames[0...viewIndex])
            branches.append(Branch(id: nextID, forkIndex: viewIndex, frames: prefix + [frame]))
            nextID += 1
            activeBranch = branches.count - 1
            forgetOldBranches()
        }
        viewIndex = frames.count - 1
    }

    /// The refinement nodes any branch still shows (the loop may forget the others).
    public var nodeIDs: Set<Int> { Set(branches.flatMap { $0.frames.compactMap(\.nodeID) }) }

    private mutating func forgetOldBranches() {
        while branches.count > Self.maximumBranches {
            let oldest = branches.indices.first { $0 != activeBranch }!
            branches.remove(at: oldest)
            if activeBranch > oldest { activeBranch -= 1 }
        }
    }

    /// Replaces the viewed frame (a re-plan of the same step with new knobs). Later frames were computed
    /// from the old plan, so when there are any the re-plan forks instead of rewriting them.
    public mutating func replaceCurrent(with frame: StepFrame) {
        if isAtEnd {
            branches[activeBranch].frames[viewIndex] = frame
        } else {
            let prefix = Array(frames[0..<viewIndex])
            branches.append(Branch(id: nextID, forkIndex: max(0, viewIndex - 1), frames: prefix + [frame]))
            nextID += 1
            activeBranch = branches.count - 1
            viewIndex = frames.count - 1
            forgetOldBranches()
        }
    }

    /// Shows frame `index` of the branch with `branchID`; false when that branch or frame is gone.
    public mutating func select(branchID: Int, index: Int) -> Bool {
        guard let branch = branches.firstIndex(where: { $0.id == branchID }),
              index >= 0, index < branches[branch].frames.count else { return false }
        activeBranch = branch
        viewIndex = index
        return true
    }

    /// Switches to the next branch, keeping the same step index where it exists.
    public mutating func cycleBranch() {
        guard branches.count > 1 else { return }
        activeBranch = (activeBranch + 1) % branches.count
        viewIndex = min(viewIndex, frames.count - 1)
    }

    /// Forgets every branch but the active one.
    public mutating func discardOtherBranches() {
        branches = [branches[activeBranch]]
        activeBranch = 0
    }
}
