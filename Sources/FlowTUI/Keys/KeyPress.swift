/// A key as FlowTerminal decodes it; independent of ncurses so key scripts run in tests.
public enum KeyPress: Hashable, Sendable, CustomStringConvertible {
    case character(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case tab, backTab, enter, escape, backspace, delete
    case function(Int)
    /// Ctrl with a letter (lowercase), for the text fields' line editing; the KeyMap binds none of them.
    case control(Character)

    public var description: String {
        switch self {
        case let .character(c): return c == " " ? "Space" : String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Bksp"
        case .delete: return "Del"
        case let .function(n): return "F\(n)"
        case let .control(c): return "Ctrl-\(c.uppercased())"
        }
    }
}

/// Everything a key can ask for; the KeyMap binds keys to these.
public enum Command: Hashable, Sendable {
    case step, toggleAutoplay, faster, slower
    case historyBack, historyForward, historyFirst, historyLast
    case raise(Knob), lower(Knob)
    case cycleMeasure, cycleSampler
    case editPrompt, pin, force, newSeed, saveTrace, openTrace, repairCanvas
    case nextPanel, previousPanel, toggleHelp, quit, toggleHeatmap
    case cursorPrevious, cursorNext, cursorUp, cursorDown
    case cycleBranch, discardBranches
    case scrollHelp(HelpScroll)
    case showVisualizer, showAB, showTrain
    case cycleCorpus, editCorpusPath, cycleObjective, raiseSubstitute, lowerSubstitute, raiseKeepWeight, lowerKeepWeight, cyclePreset, trainStartPause, trainSave, visualizeTrained
}

/// How far a key moves the help overlay when it scrolls.
public enum HelpScroll: Hashable, Sendable { case lineUp, lineDown, pageUp, pageDown, top, bottom }
