import FlowCore

/// A value a position held until `step` (for cycle detection).
struct HeldValue: Hashable {
    var position: Int
    var token: TokenID
    var step: Int
}

/// Everything the loop carries from one step to the next. A value type, so every history node keeps
/// its own copy and stepping back or branching is just picking another one.
struct LoopState: Hashable {
    var canvas: Canvas
    /// Steps taken along this branch (= index of the next step).
    var stepIndex = 0
    var forwardPasses = 0
    /// Block whose schedule runs now, unmask steps spent in it, and its masks when it started.
    var blockIndex = 0
    var blockStep = 0
    var blockInitialMasks = 0
    /// blockLength the block fields were computed for (a changed knob restarts the block bookkeeping).
    var blockLengthInUse = -1
    /// The unmask phase has ended once; later masks (from remasks) are filled during correction.
    var inCorrection = false
    var correctionStepsTaken = 0
    /// A correction step applied nothing: the model is content.
    var correctionEnded = false
    /// Step of each position's last change; far in the past when never changed.
    var lastChange: [Int]
    /// Positions frozen by cycle detection.
    var frozen: [Bool]
    var recentValues: [HeldValue] = []
    var random: FlowRandom
    /// User forces since the last step, reported in the next step's changes.
    var pendingForces: [TokenChange] = []

    static let never = Int.min / 4

    init(canvas: Canvas, seed: UInt64) {
        self.canvas = canvas
        lastChange = [Int](repeating: Self.never, count: canvas.count)
        frozen = [Bool](repeating: false, count: canvas.count)
        random = FlowRandom(seed: seed)
    }

    /// The phase the next step runs in under `knobs`; derived, so changing a knob between steps
    /// (e.g. switching to LLaDA during correction) takes effect at once. Masks left mean commits are due;
    /// after the last one, the chosen sampler says whether correction steps may follow.
    func phase(under knobs: SamplerKnobs) -> RefinementPhase {
        if canvas.maskedCount > 0 { return inCorrection ? .correction : .unmask }
        guard Samplers.selected(by: knobs).hasCorrectionPhase(under: knobs), !correctionEnded,
              correctionStepsTaken < knobs.correctionSteps else { return .done }
        return .correction
    }

    /// Brings the block fields in line with `layout` (first block with a mask, if the current one is empty).
    mutating func alignBlock(with layout: BlockLayout, blockLength: Int) {
        if blockLengthInUse != blockLength {
            blockLengthInUse = blockLength
            blockIndex = 0
            blockStep = 0
            blockInitialMasks = masks(inBlock: 0, layout)
        }
        while blockIndex < layout.blockCount - 1 && masks(throughBlock: blockIndex, layout) == 0 {
            blockIndex += 1
            blockStep = 0
            blockInitialMasks = masks(inBlock: blockIndex, layout)
        }
    }

    func masks(inBlock b: Int, _ layout: BlockLayout) -> Int {
        canvas.editablePositions.reduce(0) { $0 + (layout.blockOf[$1] == b && canvas.isMasked($1) ? 1 : 0) }
    }

    func masks(throughBlock b: Int, _ layout: BlockLayout) -> Int {
        canvas.editablePositions.reduce(0) { $0 + (layout.blockOf[$1] <= b && canvas.isMasked($1) ? 1 : 0) }
    }

    /// Whether `token` is a value `position` held within the last `window` steps.
    func heldRecently(_ token: TokenID, at position: Int, window: Int) -> Bool {
        guard window > 0 else { return false }
        return recentValues.contains { $0.position == position && $0.token == token && $0.step > stepIndex - window }
    }

    mutating func record(change position: Int, from token: TokenID, window: Int) {
        lastChange[position] = stepIndex
        if token != canvas.specialTokens.mask, window > 0 {
            recentValues.append(HeldValue(position: position, token: token, step: stepIndex))
        }
    }

    mutating func forgetOldValues(window: Int) {
        recentValues.removeAll { $0.step <= stepIndex - window }
    }
}
