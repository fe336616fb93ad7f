import ArgumentParser
import Foundation
import FlowLM
import FlowCore
import FlowTrain

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure corruption-and-correction against mask-only: validity, repair, infilling, calibration, diversity, likelihood.",
        discussion: """
        Give each trained seed of a kind with its own flag, e.g. --model a/s0 --model a/s1 --baseline b/s0 …; \
        cells report the mean over training seeds with a 95 % t-interval and the per-seed values. \
        --task text needs --data (the corpus; its held-out windows are used). A markdown summary goes to stdout \
        (or --report FILE); --json prints the results as JSON instead.
        """)

    @Option(help: "Corruption-and-correction model directory (repeat once per training seed).") var model: [String] = []
    @Option(help: "Mask-only model directory (repeat once per training seed).") var baseline: [String] = []
    @Option(help: "Hybrid-corruption model trained with w_keep = 0 (repeat once per training seed).") var ablation: [String] = []
    @Option(help: "palindrome, dyck (balanced brackets; 'brackets' also accepted), addition or text.") var task: String
    @Option(help: "Text task: the corpus (file or folder) whose held-out windows are evaluated.") var data: String?
    @Option(name: .customLong("text-length"), help: "Text task: tokens per window, [CLS] and [SEP] included.") var textLength: Int = 48
    @Option(help: "Reference examples per condition and seed.") var samples: Int = 200
    @Option(help: "Independent sample sets (prompts, damage, sampling draws), pooled.") var seeds: Int = 1
    @Option(name: .customLong("batch-size"), help: "Canvases per forward pass.") var batchSize: Int = 128
    @Option(help: "Threads for the forward pass (default: all cores).") var threads: Int?
    @OptionGroup var inference: InferenceOptions
    @Option(help: "Also write the markdown summary to this file.") var report: String?
    @Flag(name: .customLong("validity-curve"),
          help: "Also measure validity against forward passes at every K = 2 … L (sampled from all-mask).") var validityCurve = false
    @Flag(help: "Also measure the remask sampler at equal forward passes (edits mask the token instead of replacing it).")
    var remask = false
    @Flag(name: .customLong("p2"), help: "Also measure the path-planning sampler (p2: doubted tokens are remasked within the edits-off steps).")
    var pathPlanning = false
    @Option(name: .customLong("p2-remasks"), help: "The p2 column's E: the most tokens it remasks in one step.")
    var pathPlanningRemasks: Int = 2
    @Flag(help: "Print the results as JSON instead of markdown.") var json = false

    func validate() throws {
        guard !(model + baseline + ablation).isEmpty else { throw ValidationError("give at least one --model, --baseline or --ablation") }
        guard pathPlanningRemasks >= 0 else { throw ValidationError("--p2-remasks must be 0 or more") }
        guard samples >= 1, seeds >= 1, batchSize >= 1 else { throw ValidationError("--samples, --seeds and --batch-size must be positive") }
        if let threads, threads < 1 { throw ValidationError("--threads must be positive") }
        if task == "text" && data == nil { throw ValidationError("--task text needs --data (the corpus)") }
        guard textLength >= 8 else { throw ValidationError("--text-length must be at least 8") }
    }

    func run() throws {
        try reportingFailures {
            var settings = EvalSettings()
            settings.samples = samples; settings.seeds = seeds; settings.batchSize = batchSize
            settings.validityCurve = validityCurve
            if remask { settings.samplers.append(.remaskEqualPasses) }
            if pathPlanning { settings.samplers.append(.pathPlanning) }
            settings.pathPlanningRemasks = pathPlanningRemasks
            let synthetic: SyntheticTaskName?
            if task == "text" {
                synthetic = nil
            } else if let name = SyntheticTaskName(rawValue: task == "brackets" ? "dyck" : task) {
                synthetic = name
            } else {
                throw ValidationError("unknown --task '\(task)' (palindrome, dyck, addition, text)")
            }
            let runs: [(EvalModelKind, String)] = model.map { (.correction, $0) } + baseline.map { (.maskOnly, $0) }
                + ablation.map { (.noKeptLoss, $0) }
            var evaluated: [EvaluatedModel] = []
            var progress: EvalProgress?
            for (kind, path) in runs {
                let loaded = try LoadedModel(directory: ModelLocator().directory(path), threads: threads, precision: inference.precision)
                let evalTask = try synthetic.map { EvalTask(task: $0) }
                    ?? EvalTask(corpus: URL(fileURLWithPath: data ?? ""), model: loaded, length: textLength)
                var evaluation = try ModelEvaluation(model: loaded, task: evalTask, settings: settings)
                let bar = progress ?? EvalProgress(total: evaluation.unitCount * runs.count)
                progress = bar
                evaluation.progress = { bar.advance("\(kind.rawValue) \(loaded.name): \($0)") }
                let measurements = try evaluation.run()
                bar.finished("\(kind.rawValue) \(path) done")
                evaluated.append(EvaluatedModel(kind: kind, path: path, measurements: measurements))
            }
            let result = EvalReport(task: synthetic?.rawValue ?? "text", settings: settings, models: evaluated)
            if let report { try AtomicFile.write(result.markdown, to: URL(fileURLWithPath: report)) }
            print(json ? result.json.serialized : result.markdown, terminator: json ? "\n" : "")
        }
    }
}
