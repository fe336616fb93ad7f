import FlowCore

/// Totals over a run's steps, for `flowlm generate --json` and evaluation tables.
public struct RefinementSummary: Sendable, Hashable {
    public var steps = 0
    public var forwardPasses = 0
    public var commits = 0
    public var edits = 0
    public var remasks = 0
    public var freezes = 0
    public var forces = 0
    /// Steps run in the correction phase.
    public var correctionSteps = 0
    public var finished = false
    /// The last canvas (the initial one when no step was taken).
    public var tokens: [TokenID]
    /// Mean p(current) over the editable positions of the last canvas (0 when no step was taken).
    public var meanConfidence: Double = 0

    public init(steps: [RefinementStep], initial canvas: Canvas) {
        tokens = steps.last?.after ?? canvas.tokens
        self.steps = steps.count
        forwardPasses = steps.last?.forwardPasses ?? 0
        finished = steps.last?.phaseAfter == .done
        for step in steps {
            if step.phase == .correction { correctionSteps += 1 }
            for change in step.changes {
                switch change.kind {
                case .commit: commits += 1
                case .edit: edits += 1
                case .remask: remasks += 1
                case .freeze: freezes += 1
                case .force: forces += 1
                }
            }
        }
        if let last = steps.last, !canvas.editablePositions.isEmpty {
            meanConfidence = canvas.editablePositions.reduce(0.0) { $0 + Double(last.pCurrent[$1]) }
                / Double(canvas.editablePositions.count)
        }
    }
}

extension Refiner {
    /// Totals along the path from the initial canvas to the cursor.
    public var summary: RefinementSummary { RefinementSummary(steps: history, initial: initialCanvas) }
}
