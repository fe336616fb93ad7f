import FlowDiffusion

/// Where a key press is interpreted.
public enum KeyScope: String, Sendable, Hashable, CaseIterable {
    case visualizer, ab, train, help, textField
}

/// One row of the key table: the single source for dispatch, footer, help overlay and README.
public struct KeyBinding: Sendable {
    public let keys: [KeyPress]
    public let command: Command
    public let label: String
    public let help: String
    public let group: String
    public let scopes: Set<KeyScope>
    /// Position in the footer (lower first); nil keeps the binding out of the footer.
    public let footerRank: Int?
    /// The live value shown beside the label (e.g. the current tau_edit).
    public let value: (@Sendable (AppState) -> String)?

    public var keyLabel: String { keys.map(\.description).joined(separator: "/") }
}

public enum KeyMap {
    static let viz: Set<KeyScope> = [.visualizer]
    static let both: Set<KeyScope> = [.visualizer, .ab]
    static let anywhere: Set<KeyScope> = [.visualizer, .ab, .train]

    static func bind(_ keys: [KeyPress], _ command: Command, _ label: String, _ help: String, group: String,
                     _ scopes: Set<KeyScope>, footer: Int? = nil,
                     value: (@Sendable (AppState) -> String)? = nil) -> KeyBinding {
        KeyBinding(keys: keys, command: command, label: label, help: help, group: group, scopes: scopes,
                   footerRank: footer, value: value)
    }

    static func char(_ c: Character) -> KeyPress { .character(c) }

    static func knobPair(_ knob: Knob, _ down: Character, _ up: Character, _ help: String, footer: Int?) -> KeyBinding {
        bind([char(down), char(up)], .raise(knob), knob.rawValue, help, group: "Knobs", both, footer: footer,
             value: { knob.value($0.knobs) })
    }

    /// The table. Each knob row lists lower/raise keys; dispatch maps the first key to lower.
    public static let bindings: [KeyBinding] = [
        bind([char(" ")], .step, "step", "Run one refinement step (forks a branch when viewing an earlier step)",
             group: "Stepping", both, footer: 0),
        bind([char("a")], .toggleAutoplay, "auto", "Start or stop autoplay", group: "Stepping", both, footer: 1,
             value: { $0.autoplay ? "on \($0.autoplayDelay)ms" : "off" }),
        bind([char("-"), char("+")], .faster, "speed", "Slower / faster autoplay", group: "Stepping", both),
        bind([.left, .right], .historyForward, "history", "Previous / next step in history", group: "Stepping",
             both, footer: 2, value: { state in state.visibleHistory.map { "\($0.viewIndex)/\($0.frames.count - 1)" } ?? "–" }),
        bind([char("g"), char("G")], .historyLast, "first/last", "Jump to the first / last step", group: "Stepping", both),
        bind([char("b")], .cycleBranch, "branch", "Switch to the next branch", group: "Stepping", viz,
             value: { state in state.history.map { "\($0.branchID + 1)/\($0.branchIDs.count)" } ?? "–" }),
        bind([char("B")], .discardBranches, "discard", "Discard every other branch", group: "Stepping", viz),
        knobPair(.tauEdit, "[", "]", "Lower / raise tau_edit (min p(alt) for an edit)", footer: 3),
        knobPair(.delta, "{", "}", "Lower / raise delta (min p(alt) - p(current))", footer: 4),
        knobPair(.tauUnmask, "<", ">", "Lower / raise tau_unmask (commit threshold)", footer: nil),
        knobPair(.temperature, "t", "T", "Lower / raise the temperature", footer: nil),
        knobPair(.maxEdits, "x", "X", "Fewer / more edits per step (E)", footer: 5),
        knobPair(.steps, "s", "S", "Halve / double the number of steps", footer: nil),
        knobPair(.length, "l", "L", "Shorter / longer answer (restarts)", footer: nil),
        bind([char("c")], .cycleMeasure, "measure", "Cycle the confidence measure (probability, margin, entropy, p(current))",
             group: "Knobs", both, value: { $0.colorMeasure.rawValue }),
        bind([char("m")], .cycleSampler, "sampler", "Cycle the sampler (\(Samplers.names))", group: "Knobs", viz,
             footer: 6, value: { Samplers.selected(by: $0.knobs).name }),
        bind([char("r")], .newSeed, "seed", "New seed and restart (in repair mode: new damage)", group: "Knobs", both,
             value: { "\($0.knobs.seed)" }),
        bind([char(","), char(".")], .cursorNext, "cursor", "Cursor to the previous / next token", group: "Canvas", viz),
        bind([.up, .down], .cursorDown, "move", "Cursor up / down a line (inspector: choose a candidate)",
             group: "Canvas", viz),
        bind([char("p")], .pin, "pin", "Pin / unpin the token under the cursor", group: "Canvas", viz),
        bind([char("f")], .force, "force", "Force the chosen inspector candidate at the cursor", group: "Canvas", viz),
        bind([char("e")], .editPrompt, "prompt", "Edit the prompt ({{8}} or [MASK] make infill holes)",
             group: "Canvas", both, footer: 7),
        bind([char("R")], .repairCanvas, "repair",
             "Repair mode, as tui --repair: damage the text on screen (--substitute, --mask) for the model to correct; "
                + "e leaves",
             group: "Canvas", viz, value: { $0.repair == nil ? "off" : "on" }),
        bind([char("h")], .toggleHeatmap, "heatmap", "Toggle the steps × positions heatmap", group: "Views", viz, footer: 8),
        bind([.backTab, .tab], .nextPanel, "panel", "Previous / next panel", group: "Views", viz,
             value: { $0.focus.rawValue }),
        bind([char("1")], .showVisualizer, "visualizer", "Visualizer screen", group: "Views", anywhere),
        bind([char("2")], .showAB, "A/B", "A/B view: two samplers, same prompt and seed, in lockstep", group: "Views", anywhere),
        bind([char("3")], .showTrain, "train", "Train screen", group: "Views", anywhere),
        bind([char("w")], .saveTrace, "save", "Save the trace (JSON Lines)", group: "Files", viz),
        bind([char("o")], .openTrace, "open", "Open a trace (a loaded model continues it)", group: "Files", viz),
        bind([char(" ")], .trainStartPause, "start/pause", "Start, pause or resume training", group: "Training",
             [.train], footer: 0, value: { $0.training.phaseLabel }),
        bind([char("c")], .cycleCorpus, "corpus", "Cycle the corpus", group: "Training", [.train], footer: 1,
             value: { $0.trainSettings.corpus }),
        bind([char("d")], .editCorpusPath, "data", "Type a corpus path (text file or JSONL prompt/response)",
             group: "Training", [.train]),
        bind([char("j")], .cycleObjective, "objective", "Cycle the objective", group: "Training", [.train], footer: 2,
             value: { $0.trainSettings.objective }),
        bind([char("k")], .cyclePreset, "preset", "Cycle the model preset", group: "Training", [.train], footer: 3,
             value: { $0.trainSettings.preset }),
        bind([char("["), char("]")], .raiseSubstitute, "substitute", "Lower / raise the substitution rate p_sub",
             group: "Training", [.train], value: { format($0.trainSettings.substituteRate) }),
        bind([char("{"), char("}")], .raiseKeepWeight, "w_keep", "Lower / raise the loss weight on kept tokens",
             group: "Training", [.train], value: { format($0.trainSettings.keepWeight) }),
        bind([char("S")], .trainSave, "save", "Save a checkpoint now", group: "Training", [.train], footer: 4),
        bind([char("v")], .visualizeTrained, "visualize", "Open the saved model in the visualizer", group: "Training",
             [.train], footer: 5),
        bind([char("?")], .toggleHelp, "help", "Show or hide this help", group: "General", anywhere.union([.help]),
             footer: 90),
        bind([char("q")], .quit, "quit", "Quit (the terminal is restored)", group: "General", anywhere, footer: 91),
    ]

    /// The keys that scroll the help overlay when it does not fit the terminal.
    static let helpScrollKeys: [(key: KeyPress, scroll: HelpScroll)] = [
        (.up, .lineUp), (.down, .lineDown), (.pageUp, .pageUp), (.pageDown, .pageDown), (.home, .top), (.end, .bottom),
    ]

    /// The command a key triggers in a scope. For two-key rows the first key is the "lower/back" twin.
    public static func command(for key: KeyPress, in scope: KeyScope) -> Command? {
        if scope == .help {
            if key == .escape || key == .character("q") { return .toggleHelp }
            if let scroll = helpScrollKeys.first(where: { $0.key == key })?.scroll { return .scrollHelp(scroll) }
        }
        for binding in bindings where binding.scopes.contains(scope) {
            guard let index = binding.keys.firstIndex(of: key) else { continue }
            return index == 0 && binding.keys.count == 2 ? twin(of: binding.command) : binding.command
        }
        return nil
    }

    /// The "lower / back" command paired with a "raise / forward" one on the same row.
    static func twin(of command: Command) -> Command {
        switch command {
        case let .raise(knob): return .lower(knob)
        case .faster: return .slower
        case .historyForward: return .historyBack
        case .historyLast: return .historyFirst
        case .cursorNext: return .cursorPrevious
        case .cursorDown: return .cursorUp
        case .nextPanel: return .previousPanel
        case .raiseSubstitute: return .lowerSubstitute
        case .raiseKeepWeight: return .lowerKeepWeight
        default: return command
        }
    }

    /// Footer entries for the current scope in rank order.
    public static func footer(for state: AppState) -> [KeyBinding] {
        bindings.filter { $0.footerRank != nil && $0.scopes.contains(state.keyScope) }
            .sorted { ($0.footerRank ?? 0) < ($1.footerRank ?? 0) }
    }

    /// Help overlay sections: group name and its bindings, in table order.
    public static func helpGroups(for scope: KeyScope) -> [(group: String, bindings: [KeyBinding])] {
        var groups: [(group: String, bindings: [KeyBinding])] = []
        for binding in bindings where binding.scopes.contains(scope) {
            if let i = groups.firstIndex(where: { $0.group == binding.group }) { groups[i].bindings.append(binding) }
            else { groups.append((binding.group, [binding])) }
        }
        return groups
    }

    /// What the mouse does (Reduce+Mouse), for the help and the key table; off with `flowlm tui --no-mouse`.
    static let mouseActions: [(gesture: String, scopes: Set<KeyScope>, help: String)] = [
        ("click", [.visualizer], "On a token: move the cursor there (on the heatmap, at that step); on a candidate: "
            + "choose it (f forces it); on a timeline column: view that step"),
        ("wheel", [.visualizer, .ab, .help], "Previous / next step in history; in the help, scroll"),
    ]

    /// The README's key table, generated from the same rows.
    public static func markdownTable() -> String {
        var lines = ["| Keys | Screen | Action |", "|---|---|---|"]
        for binding in bindings {
            let keys = binding.keys.map { "`\($0.description == "|" ? "\\|" : $0.description)`" }.joined(separator: " ")
            let screens = KeyScope.allCases.filter { binding.scopes.contains($0) && $0 != .help }
                .map(\.rawValue).joined(separator: ", ")
            lines.append("| \(keys) | \(screens) | \(binding.help) |")
        }
        let scrollKeys = helpScrollKeys.map { "`\($0.key.description)`" }.joined(separator: " ")
        lines.append("| \(scrollKeys) | help | Scroll the help when it does not fit the terminal |")
        for action in mouseActions {
            let screens = KeyScope.allCases.filter { action.scopes.contains($0) }.map(\.rawValue).joined(separator: ", ")
            lines.append("| \(action.gesture) | \(screens) | \(action.help) (off with `--no-mouse`) |")
        }
        let editingKeys = TextField.lineEditingKeys.map { "`\(KeyPress.control($0).description)`" }.joined(separator: " ")
        lines.append("| \(editingKeys) | text fields | Start / end, back / forward, delete the word before the cursor, "
                     + "to the end, to the start (as in a shell) |")
        return lines.joined(separator: "\n")
    }
}
