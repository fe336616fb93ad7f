import FlowCore
import FlowKernels
import FlowTestSupport
import Foundation
import Testing

/// The built `flowlm` executable end to end (exit codes, stdout, stderr). Skipped when the binary has
/// not been built (e.g. `swift test` of the library targets only).
@Suite struct BinaryTests {
    static let binary: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Tests/FlowLMTests/Headless/BinaryTests.swift
        return url.appendingPathComponent(".build/debug/flowlm")
    }()

    static var built: Bool { FileManager.default.isExecutableFile(atPath: binary.path) }

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    private func run(_ arguments: [String], environment: [String: String] = [:], in folder: URL? = nil,
                     input: Data? = nil) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        env.removeValue(forKey: "FLOWLM_MODEL")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// `--version` prints the package's version, the one python/pyproject.toml also carries.
    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func versionMatchesTheScaleOutPackage() throws {
        let result = try run(["--version"])
        #expect(result.status == 0)
        let repository = Self.binary.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let pyproject = try String(contentsOf: repository.appendingPathComponent("python/pyproject.toml"), encoding: .utf8)
        let version = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!version.isEmpty && pyproject.contains("version = \"\(version)\""), "\(result.stdout)")
    }

    /// Run from another folder, the binary still finds the shipped model in the repository it was built in.
    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func defaultModelFromAnotherFolder() throws {
        let result = try run(["generate", "--prompt", "Romeo.", "--length", "4", "--steps", "2", "--json"],
                             in: FileManager.default.temporaryDirectory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("{\"text\":\"Romeo."), "\(result.stdout)")
    }

    /// `--prompt -` reads the prompt from standard input; bytes that are not UTF-8 are a one-line error.
    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func promptFromStandardInput() throws {
        let model = try TinyModel.write().path
        let base = ["generate", "--model", model, "--prompt", "-", "--length", "4", "--steps", "2", "--json"]
        let piped = try run(base, input: Data("ab[MASK]c".utf8))
        let direct = try run(["generate", "--model", model, "--prompt", "ab[MASK]c", "--length", "4", "--steps", "2",
                              "--json"])
        #expect(piped.status == 0, "\(piped.stderr)")
        func textAndIDs(_ output: String) throws -> String {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            return "\(object["text"] ?? "") \(object["ids"] ?? "")"
        }
        #expect(try textAndIDs(piped.stdout) == textAndIDs(direct.stdout))
        let bad = try run(base, input: Data([0xFF, 0xFE, 0x41]))
        #expect(bad.status != 0 && bad.stderr == "flowlm: standard input: not valid UTF-8\n", "\(bad.stderr)")
    }

    /// A model folder's flowlm_sampler.json sets the starting knobs; a flag beats it; a bad file is one line
    /// naming the file and the knob.
    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func recommendedKnobsFromTheModelFolder() throws {
        let model = try TinyModel.write()
        let settings = model.appendingPathComponent("flowlm_sampler.json")
        let base = ["generate", "--model", model.path, "--prompt", "ab", "--length", "6", "--json"]
        func stats(_ result: Run) throws -> JSONValue {
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONValue.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["stats"])
        }
        let defaults = try stats(try run(base))
        try Data(#"{"steps": 2, "sampler": "llada"}"#.utf8).write(to: settings)
        let recommended = try stats(try run(base))
        #expect(defaults["forward_passes"]?.intValue != 2)
        #expect(recommended["forward_passes"]?.intValue == 2, "llada runs exactly its steps: \(recommended)")
        let overridden = try stats(try run(base + ["--steps", "3"]))
        #expect(overridden["forward_passes"]?.intValue == 3)
        let converted = FixturePath.temporaryDirectory("convert-settings").appendingPathComponent("f16")
        let conversion = try run(["convert", "--model", model.path, "--out", converted.path, "--dtype", "F16"])
        #expect(conversion.status == 0, "\(conversion.stderr)")
        #expect(try Data(contentsOf: converted.appendingPathComponent("flowlm_sampler.json")) == Data(contentsOf: settings),
                "convert copies the recommended settings")
        try Data(#"{"tau_edit": 2}"#.utf8).write(to: settings)
        let bad = try run(base)
        #expect(bad.status == 1 && bad.stderr == "flowlm: \(settings.path): tau_edit 2.0 is outside [0, 1]\n", "\(bad.stderr)")
    }

    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func generateJSONAndColour() throws {
        let model = try TinyModel.write().path
        let base = ["generate", "--model", model, "--prompt", "ab[MASK]c", "--length", "6", "--steps", "3", "--threads", "1"]
        let json = try run(base + ["--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let value = try JSONValue.parse(json.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let text = try #require(value["text"]?.stringValue)
        #expect(text.hasPrefix("ab") && text.count == 2 + 1 + 1 + 6)
        #expect(value["stats"]?["forward_passes"]?.intValue ?? 0 >= 3)

        let plain = try run(base + ["--color", "always"], environment: ["NO_COLOR": "1"])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("\u{1B}[38;5;"), "--color always beats NO_COLOR")
        let auto = try run(base + ["--every-step"], environment: ["NO_COLOR": "1"])
        #expect(auto.status == 0)
        #expect(!auto.stdout.contains("\u{1B}"))
        #expect(auto.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("step ") }.count >= 3)

        let out = FixturePath.temporaryDirectory("generate-cli")
        let traces = ["a.jsonl", "b.jsonl"].map { out.appendingPathComponent($0).path }
        for path in traces {
            let run = try run(base + ["--sample", "--seed", "9", "--trace", path, "--color", "never"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let first = try Data(contentsOf: URL(fileURLWithPath: traces[0]))
        let second = try Data(contentsOf: URL(fileURLWithPath: traces[1]))
        #expect(!first.isEmpty && first == second)
        let replayed = try run(["replay", traces[0], "--model", model, "--json"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        let last = try JSONValue.parse(replayed.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["steps"]?.arrayValue?.last
        #expect(last?["text"]?.stringValue?.hasPrefix("ab") == true, "pieces come from the model's tokenizer")

        let tooLong = try run(["generate", "--model", model, "--prompt", String(repeating: "abcd", count: 9), "--json"])
        #expect(tooLong.status == 1)
        #expect(tooLong.stderr.hasPrefix("flowlm: ") && tooLong.stderr.contains("context"))
        #expect(tooLong.stdout.isEmpty)
    }

    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func replayGoodAndCorruptedTraces() throws {
        let fixture = FixturePath.url("tui/replay.jsonl")
        let good = try run(["replay", fixture.path])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.hasPrefix("trace: model "))
        let json = try run(["replay", fixture.path, "--json"])
        #expect(json.status == 0)
        #expect(try JSONValue.parse(json.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["step_count"]?.intValue ?? 0 > 0)

        var bytes = try Data(contentsOf: fixture)
        bytes.removeLast(40)
        let broken = FixturePath.temporaryDirectory("replay-cli").appendingPathComponent("broken.jsonl")
        try bytes.write(to: broken)
        let bad = try run(["replay", broken.path])
        #expect(bad.status == 1)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(bad.stderr == "flowlm: \(broken.path):\(lines): line does not end in a newline: the trace is truncated\n")
    }

    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func benchStepAndRenderPrintJSON() throws {
        let step = try run(["bench", "step", "--positions", "16", "--vocab", "64", "--samples", "2", "--json"])
        #expect(step.status == 0, "\(step.stderr)")
        let stepJSON = try JSONValue.parse(step.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(stepJSON["positions"]?.intValue == 16 && stepJSON["vocab_size"]?.intValue == 64)
        #expect((stepJSON["median_ms"]?.doubleValue ?? -1) >= 0)

        let render = try run(["bench", "render", "--tokens", "32", "--frames", "2", "--json"])
        #expect(render.status == 0, "\(render.stderr)")
        let renderJSON = try JSONValue.parse(render.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(renderJSON["tokens"]?.intValue == 32 && renderJSON["frames"]?.intValue == 2)
        #expect((renderJSON["mean_ms"]?.doubleValue ?? 0) > 0)

        let bad = try run(["bench", "step", "--positions", "2"])
        #expect(bad.status != 0 && bad.stderr.contains("--positions"))
    }

    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func benchGemmReportsRateAndPeak() throws {
        for kernel in PackedWeight.isSupported ? ["packed", "openblas"] : ["openblas"] {
            let gemm = try run(["bench", "gemm", "--shape", "25x40x20", "--kernel", kernel, "--threads", "1", "--repeats", "1", "--json"])
            #expect(gemm.status == 0, "\(gemm.stderr)")
            let json = try JSONValue.parse(gemm.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(json["m"]?.intValue == 25 && json["n"]?.intValue == 40 && json["k"]?.intValue == 20)
            #expect(json["kernel"]?.stringValue == kernel)
            #expect(gemm.stderr.contains("debug build"), "the tests run the debug binary, whose numbers mean nothing")
            #expect((json["gflops"]?.doubleValue ?? 0) > 0 && (json["peak_gflops"]?.doubleValue ?? 0) > 0)
        }
        let bad = try run(["bench", "gemm", "--shape", "25x40"])
        #expect(bad.status != 0 && bad.stderr.contains("--shape"))
        if PackedWeight.isSupported {
            let blas = try run(["bench", "gemm", "--shape", "25x40x20", "--strategy", "blas"])
            #expect(blas.status != 0 && blas.stderr.contains("--strategy"))
        }
    }

    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func evalTrainsNothingAndReportsEveryKind() throws {
        let dir = FixturePath.temporaryDirectory("eval-cli")
        let model = dir.appendingPathComponent("palindrome").path
        let train = try run(["train", "--data", "task:palindrome", "--out", model, "--steps", "2", "--batch", "4", "--length", "18",
                             "--hidden", "16", "--intermediate", "32", "--heads", "2", "--layers", "1", "--threads", "1",
                             "--eval-every", "1000"])
        #expect(train.status == 0, "\(train.stderr)")
        let report = dir.appendingPathComponent("eval.md").path
        let eval = try run(["eval", "--model", model, "--baseline", model, "--task", "palindrome", "--samples", "3",
                            "--threads", "1", "--json", "--report", report])
        #expect(eval.status == 0, "\(eval.stderr)")
        let json = try JSONValue.parse(eval.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let results = try #require(json["results"]?.arrayValue)
        let kinds = Set(results.compactMap { $0["model"]?.stringValue })
        #expect(kinds == ["corruption+correction", "mask-only"])
        #expect(results.contains { $0["metric"]?.stringValue == "validity" && $0["sampler"]?.stringValue == "edits on, equal passes" })
        let markdown = try String(contentsOfFile: report, encoding: .utf8)
        #expect(markdown.hasPrefix("# flowlm eval: palindrome") && markdown.contains("## Validity"))

        let wrongTask = try run(["eval", "--model", model, "--task", "addition", "--samples", "2"])
        #expect(wrongTask.status == 1)
        #expect(wrongTask.stderr.contains("tokenizer.json") && wrongTask.stderr.contains("task:addition"), "\(wrongTask.stderr)")
        let missing = try run(["eval", "--model", dir.appendingPathComponent("nothing").path, "--task", "dyck"])
        #expect(missing.status == 1 && missing.stderr.hasPrefix("flowlm: "))
    }

    /// Output to a pipe whose reader has gone (`flowlm generate | true`) ends the run as `yes | true` ends:
    /// by SIGPIPE (or a clean exit if the output was already written), with nothing on stderr.
    @Test(.enabled(if: BinaryTests.built, "build flowlm first (swift build)"))
    func aClosedPipeEndsGenerateQuietly() throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["generate", "--prompt", "Romeo.", "--length", "8", "--steps", "4", "--json"]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "FLOWLM_MODEL")
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try out.fileHandleForReading.close()  // the reader is gone before the first write
        try process.run()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let quiet = process.terminationReason == .uncaughtSignal ? process.terminationStatus == SIGPIPE
                                                                 : process.terminationStatus == 0
        #expect(quiet, "ended by \(process.terminationReason == .uncaughtSignal ? "signal" : "exit") \(process.terminationStatus)")
        #expect(stderr.isEmpty, "\(String(decoding: stderr, as: UTF8.self))")
    }
}
