import FlowDiffusion

/// The sampler columns of the evaluation: the same loop with edits off (LLaDA), on, and on within the
/// forward-pass budget of the edits-off run (correction steps taken out of the K steps); on request also the
/// remask sampler within that budget (an accepted edit masks the token for the next commits to re-decide), and
/// the path-planning sampler (p2), which remasks doubted tokens inside the edits-off schedule itself.
public enum EvalSampler: String, Sendable, Hashable, Codable, CaseIterable {
    case editsOff = "edits off"
    case editsOn = "edits on"
    case editsOnEqualPasses = "edits on, equal passes"
    case remaskEqualPasses = "remask, equal passes"
    case pathPlanning = "p2 planner"

    /// The columns `flowlm eval` measures unless asked for more.
    public static let standard: [EvalSampler] = [.editsOff, .editsOn, .editsOnEqualPasses]
    /// The columns that stay within the edits-off run's forward passes (the validity curves compare them).
    public static let withinEditsOffPasses: [EvalSampler] = [.editsOff, .editsOnEqualPasses, .remaskEqualPasses, .pathPlanning]

    /// Knobs for `steps` forward passes of unmasking (K) over a canvas; defaults elsewhere.
    public func knobs(steps: Int, proposal: ProposalKind, seed: UInt64, pathPlanningRemasks: Int = 2) -> SamplerKnobs {
        var knobs = self == .editsOff ? SamplerKnobs.llada : SamplerKnobs()
        knobs.steps = max(1, steps)
        knobs.proposal = proposal
        knobs.seed = seed
        if self == .remaskEqualPasses { knobs.editMode = .remask }
        if self == .pathPlanning {
            knobs.sampler = .p2
            knobs.maxEditsPerStep = pathPlanningRemasks
        }
        if self == .editsOnEqualPasses || self == .remaskEqualPasses {
            let correction = steps >= 2 ? max(1, steps / 4) : 0
            knobs.steps = max(1, steps - correction)
            knobs.correctionSteps = correction
        }
        return knobs
    }
}

/// What a number measures; `higherIsBetter` orders nothing, it only tells a reader which way is good.
public enum EvalMetric: String, Sendable, Hashable, Codable, CaseIterable {
    case validity
    case forwardPasses = "forward_passes"
    case editsPerSequence = "edits_per_sequence"
    case freezeRate = "freeze_rate"
    case detectionAUROC = "detection_auroc"
    case fixedRate = "fixed_rate"
    case restorable = "restorable"
    case exactRepair = "exact_repair"
    case validAfterRepair = "valid_after_repair"
    case falseEditRate = "false_edit_rate"
    case brokenShare = "broken_share"
    case infillValidity = "infill_validity"
    case infillExact = "infill_exact"
    case infillTokenAccuracy = "infill_token_accuracy"
    case calibrationError = "ece"
    case reliability = "reliability_accuracy"
    case uniqueValid = "unique_valid"
    case uniqueSamples = "unique_samples"
    case unigramEntropy = "unigram_entropy_bits"
    case maskedLoss = "masked_loss"
    case maskedAccuracy = "masked_accuracy"
    case curveValidity = "curve_validity"
    case curvePasses = "curve_forward_passes"

    public var title: String {
        switch self {
        case .validity: "Validity (exact checker)"
        case .forwardPasses: "Forward passes per sequence"
        case .editsPerSequence: "Edits per sequence (edits + remasks)"
        case .freezeRate: "Runs with a cycle freeze"
        case .detectionAUROC: "Damage detection AUROC of −log p(current), one pass"
        case .fixedRate: "Damaged positions restored"
        case .restorable: "Damaged positions whose best replacement in the first pass is the original, at any confidence"
        case .exactRepair: "Exact repair (every position original)"
        case .validAfterRepair: "Valid after repair"
        case .falseEditRate: "False edits (correct positions changed)"
        case .brokenShare: "Undamaged inputs broken by the sampler"
        case .infillValidity: "Infilling: valid"
        case .infillExact: "Infilling: holes exactly the original"
        case .infillTokenAccuracy: "Infilling: holes holding their original token"
        case .calibrationError: "Calibration of p(current) on corrupted inputs (ECE, 10 bins)"
        case .reliability: "Reliability: how often p(current) in the bin was right (corrupted inputs)"
        case .uniqueValid: "Diversity: distinct valid samples / samples"
        case .uniqueSamples: "Diversity: distinct samples / samples"
        case .unigramEntropy: "Diversity: unigram entropy of samples (bits)"
        case .maskedLoss: "Held-out masked-token loss (nats)"
        case .maskedAccuracy: "Held-out masked-token accuracy"
        case .curveValidity: "Validity against forward passes (sampled, all-mask)"
        case .curvePasses: "Forward passes per sequence on the validity curve"
        }
    }

    public var higherIsBetter: Bool? {
        switch self {
        case .validity, .detectionAUROC, .fixedRate, .restorable, .exactRepair, .validAfterRepair, .infillValidity, .infillExact,
             .infillTokenAccuracy,
             .uniqueValid, .uniqueSamples, .maskedAccuracy, .curveValidity: true
        case .falseEditRate, .brokenShare, .calibrationError, .maskedLoss, .freezeRate: false
        case .forwardPasses, .editsPerSequence, .unigramEntropy, .reliability, .curvePasses: nil
        }
    }
}

/// One number from one model: which metric, under which condition (e.g. "greedy K=4", "sub 10%"),
/// with which sampler (nil for what the model alone decides, such as a loss or a one-pass AUROC).
public struct EvalMeasurement: Sendable, Hashable {
    public var metric: EvalMetric
    public var condition: String
    public var sampler: EvalSampler?
    public var value: Double

    public init(_ metric: EvalMetric, _ condition: String, _ sampler: EvalSampler?, _ value: Double) {
        self.metric = metric; self.condition = condition; self.sampler = sampler; self.value = value
    }
}
