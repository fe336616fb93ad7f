import Foundation
import FlowCore
import FlowTerminal
import FlowTUI

/// Hours of use, compressed: the app loop of `flowlm tui` on a real model, driven by a seeded stream of random
/// keys (knobs, history, branches, prompt edits, repair, screen switches) and resizes, with autoplay at its
/// fastest. Frames are rendered and diffed as on a terminal but not shown. The run must not crash, and its
/// resident memory is sampled to show it stays bounded (`flowlm bench soak`).
public enum SoakRun {
    public struct Report: Sendable {
        public var seconds: Double
        public var keys: Int
        public var resizes: Int
        public var frames: Int
        /// (seconds since the start, resident set in MB).
        public var residentMegabytes: [(seconds: Double, megabytes: Double)]
        public var branches: Int
        public var historyFrames: Int
        public var exitStatus: Int32

        public var json: JSONValue {
            func number(_ x: Double) -> JSONValue { .number(String(format: "%.2f", x)) }
            return .object([
                ("seconds", number(seconds)), ("keys", .number(String(keys))), ("resizes", .number(String(resizes))),
                ("frames", .number(String(frames))), ("branches", .number(String(branches))),
                ("history_frames", .number(String(historyFrames))), ("exit_status", .number(String(exitStatus))),
                ("rss_mb", .array(residentMegabytes.map { .array([number($0.seconds), number($0.megabytes)]) })),
            ])
        }
    }

    /// Runs for `seconds` (then quits with q, as a user would) and reports; `progress` gets one line per sample.
    public static func run(_ options: TUIOptions, seconds: Double, seed: UInt64, sampleEvery: Double = 10,
                           progress: @escaping (String) -> Void = { _ in }) -> Report {
        let terminal = ScriptedTerminal(seconds: seconds, seed: seed, sampleEvery: sampleEvery, progress: progress)
        var loop = AppLoop(options: options, terminal: terminal)
        for _ in AppState.autoplayDelays { loop.dispatch(.key(.character("+"))) }  // autoplay at its fastest
        let status = (try? loop.run()) ?? -1
        return Report(seconds: terminal.elapsed, keys: terminal.keys, resizes: terminal.resizes, frames: terminal.frames,
                      residentMegabytes: terminal.samples, branches: loop.state.history?.branches.count ?? 0,
                      historyFrames: loop.state.history?.branches.reduce(0) { $0 + $1.frames.count } ?? 0, exitStatus: status)
    }

    /// The process's resident set in MB (Linux /proc), or 0 where unknown.
    static func residentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }
}

/// A terminal that types: about 25 random keys a second (weighted towards stepping, history and knobs), a resize
/// now and then (sometimes below the minimum size), autoplay switched on often; after the deadline, Escape and q.
final class ScriptedTerminal: TerminalDevice {
    private var random: FlowRandom
    private let start = DispatchTime.now().uptimeNanoseconds
    private let seconds: Double
    private let sampleEvery: Double
    private let progress: (String) -> Void
    private var nextKeyAt = 0.0
    private var nextSampleAt = 0.0
    private var quitting = 0
    private(set) var size: (width: Int, height: Int) = (120, 36)
    let depth = ColorDepth.palette256
    private(set) var keys = 0, resizes = 0, frames = 0
    private(set) var samples: [(seconds: Double, megabytes: Double)] = []

    /// Keys by weight. `w` (save) and `o`+Enter (open) are left out: they touch files; `q` only ends the run.
    static let keyTable: [(KeyPress, Int)] = {
        var table: [(KeyPress, Int)] = [(.character(" "), 12), (.character("a"), 6), (.character("+"), 2), (.character("-"), 1),
                                        (.left, 6), (.right, 4), (.character("g"), 1), (.character("G"), 2), (.character("b"), 2),
                                        (.character("B"), 1), (.enter, 2), (.escape, 3), (.backspace, 1), (.tab, 1), (.backTab, 1),
                                        (.up, 1), (.down, 1), (.control("u"), 1)]
        for key in "[]{}<>tTxXsScm,.pfh123?" { table.append((.character(key), 2)) }
        for key in "lLrRe" { table.append((.character(key), 1)) }  // these restart: rarer, so histories grow
        for key in "the moon {{4}} [MASK] of\u{e9}" { table.append((.character(key), 1)) }
        return table
    }()
    private static let totalWeight = keyTable.reduce(0) { $0 + $1.1 }

    init(seconds: Double, seed: UInt64, sampleEvery: Double, progress: @escaping (String) -> Void) {
        self.seconds = seconds; self.sampleEvery = sampleEvery; self.progress = progress
        random = FlowRandom(seed: seed)
    }

    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    private var shown: CellGrid?

    /// Diffs against the last frame, as the ncurses terminal does, so the soak exercises that path too.
    func draw(_ grid: CellGrid) -> Int {
        frames += 1
        let changed = grid.changedCells(since: shown).count
        shown = grid
        return changed
    }

    func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent {
        let now = elapsed
        if now >= nextSampleAt {
            let megabytes = SoakRun.residentMegabytes()
            samples.append((now, megabytes))
            progress(String(format: "soak: %6.0f s  rss %7.1f MB  keys %d  frames %d", now, megabytes, keys, frames))
            nextSampleAt += sampleEvery
        }
        if now >= seconds {
            quitting += 1
            return .key(quitting % 2 == 1 ? .escape : .character("q"))
        }
        guard now >= nextKeyAt else {
            let wait = min(Double(timeoutMilliseconds) / 1000, nextKeyAt - now)
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            return .timeout
        }
        nextKeyAt = now + 0.01 + 0.06 * random.nextDouble()
        if random.nextDouble() < 0.02 {
            resizes += 1
            let small = random.nextDouble() < 0.1
            size = small ? (30 + Int(random.nextDouble() * 30), 8 + Int(random.nextDouble() * 8))
                         : (80 + Int(random.nextDouble() * 120), 24 + Int(random.nextDouble() * 36))
            return .resize(width: size.width, height: size.height)
        }
        keys += 1
        var pick = Int(random.nextDouble() * Double(Self.totalWeight))
        for (key, weight) in Self.keyTable {
            if pick < weight { return .key(key) }
            pick -= weight
        }
        return .key(.character(" "))
    }
}
