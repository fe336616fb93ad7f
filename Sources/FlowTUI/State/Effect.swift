import FlowCore
import FlowDiffusion

/// Which canvas a request is for: the visualizer's, or one side of the A/B view.
public enum Lane: Int, Sendable, Hashable { case main = 0, a = 1, b = 2 }

/// A request for one refinement step (or a forced token) from the viewed frame of a branch.
public struct StepRequest: Sendable, Hashable {
    public var lane: Lane
    /// The branch the result joins (the history drops it when that branch is gone).
    public var branchID: Int
    /// For `.step`, the frame to continue from; for `.replan`, the frame to re-plan (its Refiner node).
    public var from: StepFrame
    public var knobs: SamplerKnobs
    public var pinned: Set<Int>
    /// Identifies the request so stale results (after a restart) are dropped.
    public var generation: Int
    /// For `.step`: record this user's choice in the Refiner instead of computing a step (no forward pass).
    public var force: ForcedToken?

    public init(lane: Lane, branchID: Int, from: StepFrame, knobs: SamplerKnobs, pinned: Set<Int>, generation: Int,
                force: ForcedToken? = nil) {
        self.lane = lane; self.branchID = branchID; self.from = from; self.knobs = knobs
        self.pinned = pinned; self.generation = generation; self.force = force
    }
}

/// Work that `reduce` asks the app layer to do; results come back as `Action`s.
public enum Effect: Sendable, Hashable {
    /// Run a forward pass and plan the next step, or record the request's forced token.
    case step(StepRequest)
    /// Re-plan the viewed step (`from`) under new knobs from the logits cached for the canvas before it.
    case replan(StepRequest)
    /// Start a fresh canvas: prompt (with infill holes), knobs (length, seed) → frame 0.
    case restart(lane: Lane, prompt: String, knobs: SamplerKnobs, generation: Int)
    /// Start repair mode on the visualizer's lane: damage `source` reproducibly (`rates`, `knobs.seed`), then
    /// refine it back with every text position editable → `Action.repairStarted`.
    case restartRepair(source: RepairSource, rates: DamageRates, knobs: SamplerKnobs, generation: Int)
    /// The UI forgot every branch but one: the lane's refiner may free every step not behind these nodes.
    case keepSteps(lane: Lane, nodes: Set<Int>)
    case saveTrace(path: String)
    case openTrace(path: String)
    case startTraining(TrainSettings)
    case pauseTraining
    case resumeTraining
    case saveTraining
    /// Load a model directory into the visualizer (e.g. the one just trained).
    case openModel(directory: String)
}
