import FlowCore
import FlowDiffusion
import FlowTUI
import Foundation
import Testing
@testable import FlowLM

/// `flowlm tui --repair` against `flowlm generate --repair`: on a real (tiny) checkpoint, the app's worker
/// damages the text exactly as `Damage.apply` and `Repair.run` do with the same seed, and stepping it runs
/// the same correction loop to the same text.
@Suite struct TUIRepairTests {
    let text = "abcdefghhgfedcbaaceg"
    let rates = DamageRates(substitute: 0.3, mask: 0.1)

    var knobs: SamplerKnobs {
        var knobs = SamplerKnobs()
        knobs.steps = 8; knobs.seed = 11; knobs.answerLength = 48
        return knobs
    }

    /// The next action the worker posts (it runs on its own queue).
    func next(_ mailbox: Mailbox) throws -> Action {
        for _ in 0..<3000 {
            if let action = mailbox.drain().first { return action }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw TimedOut()
    }

    struct TimedOut: Error {}

    @Test func theWorkerDamagesAsGenerateDoesAndRepairsTheSameWay() throws {
        let loaded = try LoadedModel(directory: TinyModel.write(), threads: 1)
        let headless = try Repair.run(text: text, substituteRate: rates.substitute, maskRate: rates.mask, knobs: knobs,
                                      model: loaded.textModel)
        let mailbox = Mailbox()
        let worker = RefinementWorker(model: loaded.tuiModel, mailbox: mailbox)
        worker.restartRepair(source: .text(text), rates: rates, knobs: knobs, generation: 1)
        guard case let .repairStarted(generation, start, damage) = try next(mailbox) else {
            Issue.record("the worker did not start repair mode"); return
        }
        #expect(generation == 1)
        #expect(damage == headless.damage, "same text, rates and seed: the same damage as generate --repair")
        let special = loaded.denoiser.specialTokens
        let ids = loaded.encode(text)
        let direct = try Damage.apply(to: [special.cls] + ids + [special.sep], editable: Array(1...ids.count),
                                      substituteRate: rates.substitute, maskRate: rates.mask,
                                      vocabularySize: loaded.textModel.textVocabularySize, specialTokens: special,
                                      seed: knobs.seed)
        #expect(damage == direct)
        #expect(!damage.substituted.isEmpty && !damage.masked.isEmpty)
        #expect(start.tokens == damage.damaged && start.knobs.answerLength == ids.count)
        #expect(start.roles.dropFirst().dropLast().allSatisfy { $0 == .answer })

        // Step to the end as the visualizer does (each request from the last frame, with the frame's knobs).
        var frame = start
        var frames: [StepFrame] = []
        while true {
            let request = StepRequest(lane: .main, branchID: 0, from: frame, knobs: start.knobs, pinned: [], generation: 1)
            worker.run(request, replan: false)
            let action = try next(mailbox)
            if case .finished = action { break }
            guard case let .stepped(_, stepped, _, _) = action else { Issue.record("unexpected \(action)"); return }
            frames.append(stepped)
            frame = stepped
        }
        #expect(frames.count == headless.generation.steps.count)
        #expect(frame.tokens == headless.generation.summary.tokens)
        #expect(frames.map(\.changes) == headless.generation.steps.map(\.changes))
    }

    @Test func anEmptyTextIsAnErrorNotACrash() throws {
        let loaded = try LoadedModel(directory: TinyModel.write(), threads: 1)
        let mailbox = Mailbox()
        let worker = RefinementWorker(model: loaded.tuiModel, mailbox: mailbox)
        worker.restartRepair(source: .text(""), rates: rates, knobs: knobs, generation: 1)
        guard case let .workFailed(lane, message) = try next(mailbox) else { Issue.record("no error"); return }
        #expect(lane == .main && message.contains("no tokens"))
    }
}

/// The CLI's repair options are checked before a terminal or a model is needed.
@Suite struct TUIRepairCommandTests {
    func run(_ arguments: [String], input: String? = nil) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = BinaryTests.binary
        process.arguments = arguments
        let stdin = Pipe(), err = Pipe()
        process.standardInput = stdin
        process.standardOutput = Pipe()
        process.standardError = err
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
    }

    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func badRatesAndConflictingOptionsAreRefused() throws {
        let rates = try run(["tui", "--repair", "some text", "--substitute", "0.8", "--mask", "0.5"])
        #expect(rates.status == 64 && rates.stderr.contains("--substitute and --mask"), "\(rates.stderr)")
        let both = try run(["tui", "--repair", "some text", "--prompt", "other"])
        #expect(both.status == 64 && both.stderr.contains("--repair alone"), "\(both.stderr)")
    }

    /// `--repair -` takes the text from a pipe; without a terminal for the keys it then stops as any `tui` does.
    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func repairTextFromStandardInputThenNeedsATerminal() throws {
        let result = try run(["tui", "--repair", "-"], input: "ROMEO. But soft!")
        #expect(result.status == 2 && result.stderr.contains("terminal"), "\(result.stderr)")
    }
}
