import CVectorMath
import FlowCore

/// One step in the history tree: which step it follows, the knobs it ran with, and its result.
public struct StepNode: Sendable {
    public let id: Int
    /// nil for a first step (it follows the initial canvas).
    public let parent: Int?
    public let knobs: SamplerKnobs
    public let step: RefinementStep
    let stateBefore: LoopState
    let stateAfter: LoopState
}

/// Drives the refinement loop one step at a time over a `Denoiser` and keeps every step taken as a tree:
/// stepping back and stepping again with other knobs (or after forcing a token) starts a branch, and
/// the old future stays reachable until discarded. The most recent logits are cached, and every recorded
/// step keeps its row statistics (`KeptStatistics`, within `keptStatisticsBudget` bytes), so re-planning any
/// step in history with new thresholds needs no forward pass.
public final class Refiner {
    /// Where the last computed step's scores came from.
    public enum PlanSource: String, Sendable {
        /// A forward pass ran.
        case forward
        /// The logits of the latest forward pass were still cached.
        case cachedLogits = "cached logits"
        /// The step's kept statistics sufficed (a re-plan anywhere in history).
        case keptStatistics = "kept statistics"
    }

    /// Memory for kept statistics (default 256 MB: about 6,000 steps at 512 positions and top-5).
    public var keptStatisticsBudget: Int {
        get { kept.budget }
        set { kept.budget = newValue }
    }
    public private(set) var lastPlanSource: PlanSource = .forward
    public let denoiser: any Denoiser
    public private(set) var knobs: SamplerKnobs
    public let initialCanvas: Canvas
    /// The node whose result is shown (nil = the initial canvas, before any step).
    public private(set) var cursor: Int?
    /// Forward passes actually run (re-plans and re-visits of recorded steps run none).
    public private(set) var totalForwardPasses = 0
    /// The loop's own work in the last computed step (statistics + planning, no forward pass).
    public private(set) var lastPlanningTime: Duration = .zero

    private var nodes: [StepNode?] = []
    private let initialState: LoopState
    /// The state at the cursor after user actions (force, pin) that no step has consumed yet.
    private var editedHead: LoopState?
    private var cachedLogits: (tokens: [TokenID], logits: LogitMatrix)?
    private var statistics = RowStatistics()
    private var kept = KeptStatisticsStore(budget: 256 << 20)

    public init(denoiser: any Denoiser, canvas: Canvas, knobs: SamplerKnobs) throws(DiffusionError) {
        self.denoiser = denoiser
        self.knobs = knobs
        self.initialCanvas = canvas
        self.initialState = LoopState(canvas: canvas, seed: knobs.seed)
        guard !canvas.editablePositions.isEmpty else {
            throw .invalidCanvas("no hole or answer position to generate (give a length or a [MASK] hole)")
        }
        guard canvas.specialTokens == denoiser.specialTokens else {
            throw .invalidCanvas("its special tokens differ from the model's")
        }
        if let bad = canvas.tokens.firstIndex(where: { $0 < 0 || Int($0) >= denoiser.vocabularySize }) {
            throw .invalidCanvas("token \(canvas.tokens[bad]) at position \(bad) is outside the vocabulary of \(denoiser.vocabularySize)")
        }
        try validate(knobs)
    }

    // MARK: State

    private var headState: LoopState {
        if let editedHead { return editedHead }
        if let cursor, let node = nodes[cursor] { return node.stateAfter }
        return initialState
    }

    /// The canvas shown now (after the cursor's step and any user action since).
    public var canvas: Canvas { headState.canvas }
    /// The phase the next step would run in.
    public var phase: RefinementPhase { headState.phase(under: knobs) }
    public var isFinished: Bool { phase == .done }
    /// Cycle-frozen positions at the cursor.
    public var frozenPositions: [Int] { headState.frozen.indices.filter { headState.frozen[$0] } }

    /// The steps from the initial canvas to the cursor.
    public var history: [RefinementStep] { pathNodes.map(\.step) }
    /// (knobs, step) along the path, for traces.
    public var recordedSteps: [(knobs: SamplerKnobs, step: RefinementStep)] { pathNodes.map { ($0.knobs, $0.step) } }

    /// Node ids from the first step to the cursor.
    public var path: [Int] { pathNodes.map(\.id) }

    private var pathNodes: [StepNode] {
        var path: [StepNode] = []
        var id = cursor
        while let current = id, let node = nodes[current] { path.append(node); id = node.parent }
        return path.reversed()
    }

    public func node(_ id: Int) -> StepNode? { nodes.indices.contains(id) ? nodes[id] : nil }
    /// Children of a node (nil = of the initial canvas), oldest first.
    public func children(of id: Int?) -> [Int] { nodes.compactMap { $0 }.filter { $0.parent == id }.map(\.id) }
    /// Tips of every branch kept.
    public var leaves: [Int] { nodes.compactMap { $0 }.map(\.id).filter { children(of: $0).isEmpty } }

    // MARK: Stepping

    /// Advances one step: re-visits the recorded next step when it used the same knobs, else computes one
    /// (a new branch if the cursor already had a future). nil when the loop is finished.
    @discardableResult
    public func step() throws(DiffusionError) -> RefinementStep? {
        guard !isFinished else { return nil }
        if editedHead == nil, let next = children(of: cursor).last(where: { nodes[$0]?.knobs == knobs }) {
            cursor = next
            return nodes[next]?.step
        }
        let (step, after, keptForStep) = try compute(from: headState, knobs: knobs)
        let id = nodes.count
        nodes.append(StepNode(id: id, parent: cursor, knobs: knobs, step: step, stateBefore: headState, stateAfter: after))
        if let keptForStep { kept.keep(keptForStep, for: id) }
        cursor = id
        editedHead = nil
        return step
    }

    /// Steps until finished or `maxSteps` more steps were taken; returns the steps taken.
    public func run(maxSteps: Int = 100_000) throws(DiffusionError) -> [RefinementStep] {
        var taken: [RefinementStep] = []
        while taken.count < maxSteps, let step = try step() { taken.append(step) }
        return taken
    }

    /// Moves the cursor to the parent step; user actions not yet stepped are dropped. False at the start.
    @discardableResult
    public func stepBack() -> Bool {
        guard let cursor, let node = nodes[cursor] else { return false }
        self.cursor = node.parent
        editedHead = nil
        return true
    }

    /// Re-visits the most recent recorded child (adopting its knobs) without computing anything.
    @discardableResult
    public func stepForward() -> RefinementStep? {
        guard editedHead == nil, let next = children(of: cursor).last, let node = nodes[next] else { return nil }
        cursor = next
        knobs = node.knobs
        return node.step
    }

    /// Moves the cursor to any kept node (nil = the initial canvas), adopting its knobs.
    public func select(node id: Int?) throws(DiffusionError) {
        if let id {
            guard let node = node(id) else { throw .invalidCanvas("no step node \(id)") }
            knobs = node.knobs
        }
        cursor = id
        editedHead = nil
    }

    /// Drops a node and its subtree; refused for the cursor's own path.
    public func discard(node id: Int) throws(DiffusionError) {
        guard node(id) != nil else { throw .invalidCanvas("no step node \(id)") }
        guard !pathNodes.contains(where: { $0.id == id }) else {
            throw .invalidCanvas("step node \(id) is on the current path; step back before discarding it")
        }
        var doomed = [id]
        while let next = doomed.popLast() {
            doomed += children(of: next)
            nodes[next] = nil
            kept.remove(next)
        }
    }

    /// Drops the branch that ends at `leaf`: from where it leaves the current path down to its tip.
    public func discardBranch(endingAt leaf: Int) throws(DiffusionError) {
        let onPath = Set(pathNodes.map(\.id))
        guard var top = node(leaf) else { throw .invalidCanvas("no step node \(leaf)") }
        while let parent = top.parent, !onPath.contains(parent), let up = node(parent) { top = up }
        try discard(node: top.id)
    }

    /// Keeps `nodes` and their ancestors; frees every other recorded step (and the loop states it held).
    /// What the UI calls when the user discards every other branch. A cursor on a freed step moves back to
    /// the initial canvas (callers select a node before stepping anyway).
    public func retain(nodes keep: Set<Int>) {
        var retained = Set<Int>()
        for start in keep {
            var id: Int? = start
            while let current = id, let node = node(current), retained.insert(current).inserted { id = node.parent }
        }
        for id in nodes.indices where nodes[id] != nil && !retained.contains(id) { nodes[id] = nil }
        kept.retain(retained)
        if let cursor, !retained.contains(cursor) {
            self.cursor = nil
            editedHead = nil
        }
    }

    /// Steps recorded and not discarded (every branch).
    public var recordedStepCount: Int { nodes.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    // MARK: Knobs

    /// Uses `knobs` from the next step on (validated first).
    public func setKnobs(_ knobs: SamplerKnobs) throws(DiffusionError) {
        try validate(knobs)
        self.knobs = knobs
    }

    /// Re-plans the cursor's step with `knobs` from its cached logits (no forward pass when cached).
    /// A leaf is replaced in place; a step with a future gets a sibling, so that future stays reachable.
    @discardableResult
    public func replan(knobs: SamplerKnobs) throws(DiffusionError) -> RefinementStep? {
        try validate(knobs)
        self.knobs = knobs
        guard let id = cursor, let node = nodes[id], node.stateBefore.phase(under: knobs) != .done else { return nil }
        let (step, after, keptForStep) = try compute(from: node.stateBefore, knobs: knobs, kept: kept[id])
        let newID = children(of: id).isEmpty ? id : nodes.count
        if let keptForStep { kept.keep(keptForStep, for: newID) }
        let replanned = StepNode(id: newID, parent: node.parent, knobs: knobs, step: step,
                                 stateBefore: node.stateBefore, stateAfter: after)
        if newID == id { nodes[id] = replanned } else { nodes.append(replanned) }
        cursor = newID
        editedHead = nil
        return step
    }

    // MARK: User actions

    /// Puts `token` at an editable position and pins it; the next step reports it as a `force` change.
    /// After a FlowLM run ended because nothing passed, this re-opens correction (budget permitting).
    public func force(token: TokenID, at position: Int) throws(DiffusionError) {
        var state = headState
        try state.canvas.checkEditable(position)
        guard token >= 0, Int(token) < denoiser.vocabularySize, !state.canvas.specialTokens.isReserved(token) else {
            throw .invalidCanvas("token \(token) cannot be forced: reserved or outside the vocabulary")
        }
        let previous = state.canvas.tokens[position]
        state.pendingForces.removeAll { $0.position == position }
        state.pendingForces.append(TokenChange(position: position, kind: .force, from: previous, to: token,
                                               pFrom: 0, pTo: 0, reason: ChangeReason(.user, "forced by the user")))
        state.canvas.set(token, at: position)
        state.canvas.setPinned(true, at: position)
        state.frozen[position] = false
        // The neighbours may now read differently: a content correction phase gets another look.
        state.correctionEnded = false
        editedHead = state
    }

    /// Pins or unpins a position (pinned tokens are never edited or remasked).
    public func setPinned(_ pinned: Bool, at position: Int) throws(DiffusionError) {
        var state = headState
        try state.canvas.checkEditable(position)
        state.canvas.setPinned(pinned, at: position)
        editedHead = state
    }

    // MARK: Computing

    private func validate(_ knobs: SamplerKnobs) throws(DiffusionError) {
        try knobs.validate(contextLength: denoiser.contextLength, canvasLength: initialCanvas.count)
        let layout = BlockLayout(canvas: initialCanvas, blockLength: knobs.blockLength, steps: knobs.steps)
        guard knobs.steps >= layout.blockCount else {
            throw .invalidKnob("steps \(knobs.steps) is fewer than the \(layout.blockCount) blocks of block_length \(knobs.blockLength)")
        }
    }

    /// Plans one step from `state`: from `keptStatistics` when they cover the knobs (no forward pass), else from
    /// the logits (cached, or a forward pass). Returns what re-planning the step later needs.
    private func compute(from state: LoopState, knobs: SamplerKnobs, kept keptStatistics: KeptStatistics? = nil)
        throws(DiffusionError) -> (RefinementStep, LoopState, KeptStatistics?) {
        let clock = ContinuousClock()
        let layout = BlockLayout(canvas: state.canvas, blockLength: knobs.blockLength, steps: knobs.steps)
        let tokens = state.canvas.tokens
        if let keptStatistics, keptStatistics.covers(knobs, state: state), cachedLogits?.tokens != tokens {
            let start = clock.now
            let misses = PlanningMisses()
            let planner = StepPlanner(knobs: knobs, layout: layout, logits: nil, stats: keptStatistics.statistics,
                                      kept: keptStatistics, misses: misses)
            let (step, after) = planner.plan(state)
            if misses.count == 0 {
                lastPlanningTime = clock.now - start
                lastPlanSource = .keptStatistics
                return (step, after, keptStatistics)
            }
        }
        let wasCached = cachedLogits?.tokens == tokens
        let logits = try logits(for: tokens, knobs: knobs)
        lastPlanSource = wasCached ? .cachedLogits : .forward
        let start = clock.now
        try statistics.compute(logits, temperature: Float(knobs.temperature), keep: max(knobs.topK, 2),
                               special: state.canvas.specialTokens, entropy: knobs.confidence == .negativeEntropy)
        let (step, after) = StepPlanner(knobs: knobs, layout: layout, logits: logits, stats: statistics).plan(state)
        lastPlanningTime = clock.now - start
        return (step, after, KeptStatistics(statistics: statistics, knobs: knobs, tokens: tokens, logits: logits))
    }

    // MARK: Batching across refiners

    /// The canvas the next `step()` would run the model on, or nil when it needs no forward pass
    /// (finished, re-visiting a recorded step, or its logits already supplied). Lets a driver batch
    /// the forward passes of many refiners into one denoiser call (`LockstepRefinement`).
    public var canvasNeedingLogits: [TokenID]? {
        guard !isFinished else { return nil }
        if editedHead == nil, children(of: cursor).contains(where: { nodes[$0]?.knobs == knobs }) { return nil }
        let tokens = headState.canvas.tokens
        if let cachedLogits, cachedLogits.tokens == tokens { return nil }
        return tokens
    }

    /// Hands the refiner logits computed elsewhere for `tokens`; the next step uses them as its forward
    /// pass (and counts it). Checked like the denoiser's own output.
    public func supplyLogits(_ logits: LogitMatrix, for tokens: [TokenID]) throws(DiffusionError) {
        try checkShape(logits, for: tokens)
        totalForwardPasses += 1
        cachedLogits = (tokens, logits)
    }

    private func checkShape(_ logits: LogitMatrix, for tokens: [TokenID]) throws(DiffusionError) {
        guard logits.rows == tokens.count, logits.vocabularySize == denoiser.vocabularySize else {
            throw .denoiser("returned \(logits.rows)x\(logits.vocabularySize) logits for \(tokens.count) positions and vocabulary \(denoiser.vocabularySize)")
        }
    }

    /// The statistics the denoiser is asked to gather with the logits: only for vocabularies where the loop's
    /// sweep would use the vector kernels anyway (small models keep machine-independent traces).
    private func summaryRequest(_ knobs: SamplerKnobs) -> SoftmaxSummaryRequest? {
        let k = max(knobs.topK, 2)
        guard denoiser.vocabularySize >= RowStatistics.fastKernelMinimumVocabulary, k <= Int(FLOWLM_SUMMARY_MAX_K) else { return nil }
        return RowStatistics.request(temperature: Float(knobs.temperature), keep: k, special: denoiser.specialTokens,
                                     entropy: knobs.confidence == .negativeEntropy)
    }

    private func logits(for tokens: [TokenID], knobs: SamplerKnobs) throws(DiffusionError) -> LogitMatrix {
        if let cachedLogits, cachedLogits.tokens == tokens { return cachedLogits.logits }
        cachedLogits = nil  // lets the denoiser reuse the array it handed out last time
        let output: [LogitMatrix]
        do {
            if let request = summaryRequest(knobs) {
                output = try denoiser.logits(for: [tokens], summarizing: request)
            } else {
                output = try denoiser.logits(for: [tokens])
            }
        } catch let error as DiffusionError { throw error } catch {
            throw .denoiser("\(error)")
        }
        guard output.count == 1, let logits = output.first else {
            throw .denoiser("returned \(output.count) logit matrices for 1 canvas")
        }
        try checkShape(logits, for: tokens)
        totalForwardPasses += 1
        cachedLogits = (tokens, logits)
        return logits
    }
}
