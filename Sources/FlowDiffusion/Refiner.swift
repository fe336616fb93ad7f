import CVectorMath
import FlowCore

/// Drives the refinement loop one step at a time over a `Denoiser` and keeps every step taken, and every
/// token forced, as a `StepTree`: stepping back and stepping again with other knobs (or forcing a token)
/// starts a branch, and the old future stays reachable until discarded. The most recent logits are cached,
/// and every recorded step keeps its row statistics (`KeptStatistics`, within `keptStatisticsBudget` bytes),
/// so re-planning any step in history with new thresholds needs no forward pass.
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

    /// Every step and forced token kept; the TUI's `History` places its frames where this tree has its nodes.
    public private(set) var tree = StepTree<StepNode>()
    private let initialState: LoopState
    /// The state at the cursor after pin changes that no step has consumed yet (pins are not history).
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
        if let cursor, let node = tree[cursor] { return node.value.stateAfter }
        return initialState
    }

    /// The canvas shown now (after the cursor's node and any pin change since).
    public var canvas: Canvas { headState.canvas }
    /// The phase the next step would run in.
    public var phase: RefinementPhase { headState.phase(under: knobs) }
    public var isFinished: Bool { phase == .done }
    /// Cycle-frozen positions at the cursor.
    public var frozenPositions: [Int] { headState.frozen.indices.filter { headState.frozen[$0] } }

    /// Forces since the cursor's last computed step, which the next step reports.
    public var pendingForces: [TokenChange] { headState.pendingForces }

    /// The steps from the initial canvas to the cursor (forced tokens show up in the step after them).
    public var history: [RefinementStep] { path.compactMap { tree[$0]?.value.step } }
    /// (knobs, step) along the path, for traces.
    public var recordedSteps: [(knobs: SamplerKnobs, step: RefinementStep)] {
        path.compactMap { id in tree[id].flatMap { node in node.value.step.map { (node.value.knobs, $0) } } }
    }

    /// Node ids from the first step to the cursor.
    public var path: [Int] { tree.path(to: cursor) }

    public func node(_ id: Int) -> StepTree<StepNode>.Node? { tree[id] }
    /// Children of a node (nil = of the initial canvas), oldest first.
    public func children(of id: Int?) -> [Int] { tree.children(of: id) }
    /// Tips of every branch kept.
    public var leaves: [Int] { tree.leaves }

    /// The recorded step that follows the cursor under `knobs`, if any (never a forced token).
    private var recordedNext: Int? {
        children(of: cursor).last { tree[$0]?.value.step != nil && tree[$0]?.value.knobs == knobs }
    }

    // MARK: Stepping

    /// Advances one step: re-visits the recorded next step when it used the same knobs, else computes one
    /// (a new branch if the cursor already had a future). nil when the loop is finished.
    @discardableResult
    public func step() throws(DiffusionError) -> RefinementStep? {
        guard !isFinished else { return nil }
        if editedHead == nil, let next = recordedNext {
            cursor = next
            return tree[next]?.value.step
        }
        let (step, after, keptForStep) = try compute(from: headState, knobs: knobs)
        let id = tree.add(StepNode(knobs: knobs, step: step, force: nil, stateBefore: headState, stateAfter: after),
                          under: cursor)
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

    /// Moves the cursor to the parent node; pin changes not yet stepped are dropped. False at the start.
    @discardableResult
    public func stepBack() -> Bool {
        guard let cursor, let node = tree[cursor] else { return false }
        self.cursor = node.parent
        editedHead = nil
        return true
    }

    /// Re-visits the most recent recorded child (adopting its knobs) without computing anything; returns its
    /// step (nil when there is no child, or when the child is a forced token).
    @discardableResult
    public func stepForward() -> RefinementStep? {
        guard editedHead == nil, let next = children(of: cursor).last, let node = tree[next] else { return nil }
        cursor = next
        knobs = node.value.knobs
        return node.value.step
    }

    /// Moves the cursor to any kept node (nil = the initial canvas), adopting its knobs.
    public func select(node id: Int?) throws(DiffusionError) {
        if let id {
            guard let node = node(id) else { throw .invalidCanvas("no step node \(id)") }
            knobs = node.value.knobs
        }
        cursor = id
        editedHead = nil
    }

    /// Drops a node and its subtree; refused for the cursor's own path.
    public func discard(node id: Int) throws(DiffusionError) {
        guard node(id) != nil else { throw .invalidCanvas("no step node \(id)") }
        guard !path.contains(id) else {
            throw .invalidCanvas("step node \(id) is on the current path; step back before discarding it")
        }
        for removed in tree.remove(subtree: id) { kept.remove(removed) }
    }

    /// Drops the branch that ends at `leaf`: from where it leaves the current path down to its tip.
    public func discardBranch(endingAt leaf: Int) throws(DiffusionError) {
        let onPath = Set(path)
        guard var top = node(leaf) else { throw .invalidCanvas("no step node \(leaf)") }
        while let parent = top.parent, !onPath.contains(parent), let up = node(parent) { top = up }
        try discard(node: top.id)
    }

    /// Keeps `nodes` and their ancestors; frees every other recorded step (and the loop states it held).
    /// What the UI calls when the user discards every other branch. A cursor on a freed step moves back to
    /// the initial canvas (callers select a node before stepping anyway).
    public func retain(nodes keep: Set<Int>) {
        let retained = tree.retain(pathsTo: keep)
        kept.retain(retained)
        if let cursor, !retained.contains(cursor) {
            self.cursor = nil
            editedHead = nil
        }
    }

    /// Steps recorded and not discarded (every branch; forced tokens are no steps).
    public var recordedStepCount: Int { tree.values.reduce(0) { $0 + ($1.step == nil ? 0 : 1) } }

    // MARK: Knobs

    /// Uses `knobs` from the next step on (validated first).
    public func setKnobs(_ knobs: SamplerKnobs) throws(DiffusionError) {
        try validate(knobs)
        self.knobs = knobs
    }

    /// Re-plans the cursor's step (or adopted canvas) with `knobs` from its cached logits (no forward pass when cached).
    /// A leaf is replaced in place; a step with a future gets a sibling, so that future stays reachable.
    @discardableResult
    public func replan(knobs: SamplerKnobs) throws(DiffusionError) -> RefinementStep? {
        try validate(knobs)
        self.knobs = knobs
        guard let id = cursor, let node = tree[id], node.value.force == nil,
              node.value.stateBefore.phase(under: knobs) != .done else { return nil }
        let (step, after, keptForStep) = try compute(from: node.value.stateBefore, knobs: knobs, kept: kept[id])
        let replanned = StepNode(knobs: knobs, step: step, force: nil, stateBefore: node.value.stateBefore, stateAfter: after)
        let newID: Int
        if children(of: id).isEmpty {
            tree.replace(id, with: replanned)
            newID = id
        } else {
            newID = tree.add(replanned, under: node.parent)
        }
        if let keptForStep { kept.keep(keptForStep, for: newID) }
        cursor = newID
        editedHead = nil
        return step
    }

    // MARK: User actions

    /// Puts `token` at an editable position and pins it; the next step reports it as a `force` change.
    public func force(token: TokenID, at position: Int) throws(DiffusionError) {
        try force(ForcedToken(position: position, token: token))
    }

    /// Records the user's forced token as a node after the cursor (a branch when the cursor has a future)
    /// and moves there; returns the change the next step reports (with the model's probabilities then).
    /// After a FlowLM run ended because nothing passed, this re-opens correction (budget permitting).
    @discardableResult
    public func force(_ choice: ForcedToken) throws(DiffusionError) -> TokenChange {
        let before = headState
        var state = before
        let (position, token) = (choice.position, choice.token)
        try state.canvas.checkEditable(position)
        guard token >= 0, Int(token) < denoiser.vocabularySize, !state.canvas.specialTokens.isReserved(token) else {
            throw .invalidCanvas("token \(token) cannot be forced: reserved or outside the vocabulary")
        }
        let change = TokenChange(position: position, kind: .force, from: state.canvas.tokens[position], to: token,
                                 pFrom: choice.shownProbabilityBefore, pTo: choice.shownProbability,
                                 reason: ChangeReason(.user, "forced by the user"))
        state.pendingForces.removeAll { $0.position == position }
        state.pendingForces.append(change)
        state.canvas.set(token, at: position)
        state.canvas.setPinned(true, at: position)
        state.frozen[position] = false
        // The neighbours may now read differently: a content correction phase gets another look.
        state.correctionEnded = false
        cursor = tree.add(StepNode(knobs: knobs, step: nil, force: change, stateBefore: before, stateAfter: state),
                          under: cursor)
        editedHead = nil
        return change
    }

    /// Records a canvas reached elsewhere (a step of a replayed trace) as a node after the cursor, and moves
    /// there: the next step continues from it with this loop's own state (its seed, a fresh schedule from
    /// those masks). `tokens` may differ from the canvas at editable positions only. A re-plan of such a node
    /// computes a step from the canvas before it.
    @discardableResult
    public func adopt(_ tokens: [TokenID], knobs adoptedKnobs: SamplerKnobs? = nil) throws(DiffusionError) -> Int {
        let before = headState
        var state = before
        guard tokens.count == state.canvas.count else {
            throw .invalidCanvas("the adopted canvas has \(tokens.count) positions; this one has \(state.canvas.count)")
        }
        for (position, token) in tokens.enumerated() where token != state.canvas.tokens[position] {
            try state.canvas.checkEditable(position)
            guard token >= 0, Int(token) < denoiser.vocabularySize,
                  token == state.canvas.specialTokens.mask || !state.canvas.specialTokens.isReserved(token) else {
                throw .invalidCanvas("token \(token) at position \(position) is reserved or outside the vocabulary of \(denoiser.vocabularySize)")
            }
            state.canvas.set(token, at: position)
            state.lastChange[position] = state.stepIndex
            state.frozen[position] = false
        }
        state.stepIndex += 1
        state.pendingForces = []
        if state.canvas.maskedCount == 0 { state.inCorrection = true }
        var nodeKnobs = knobs
        if let adoptedKnobs, (try? validate(adoptedKnobs)) != nil { nodeKnobs = adoptedKnobs }
        let id = tree.add(StepNode(knobs: nodeKnobs, step: nil, force: nil, stateBefore: before, stateAfter: state),
                          under: cursor)
        cursor = id
        editedHead = nil
        return id
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
        if editedHead == nil, recordedNext != nil { return nil }
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
