import ArgumentParser
import Foundation
import FlowLM
import FlowTUI

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Check a trace written by `flowlm generate --trace` (or the TUI's w) and print its steps; needs no model.")

    @Argument(help: "A JSON Lines trace.") var file: String
    @Option(help: "A model directory whose tokenizer.json names the tokens (otherwise ids are shown).") var model: String?
    @Option(help: "auto (colour on a terminal unless NO_COLOR is set), always or never.") var color: ColorMode = .auto
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        try reportingFailures {
            let replay = try Replay(path: file)
            let pieces = try model.map { try LoadedModel.pieces(modelDirectory: $0) }
            if json {
                print(replay.json(pieces: pieces))
                return
            }
            let colored = color.usesColor(isTerminal: ColorMode.standardOutputIsTerminal,
                                          environment: ProcessInfo.processInfo.environment)
            let text = FrameText(pieces: pieces ?? Replay.idPieces, mask: replay.trace.header.specialTokens.mask,
                                 theme: colored ? Theme(depth: .palette256) : nil)
            print(replay.lines(text).joined(separator: "\n"))
        }
    }
}
