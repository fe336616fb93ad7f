import FlowCore
import FlowDiffusion
import Testing
@testable import FlowTUI

/// The inspector's history of one position: built from the viewed step backwards, and cut once it fills the
/// screen, it must end exactly as the whole chain does.
@Suite struct HistoryChainTests {
    static func state(steps: Int) -> AppState {
        let words = [" mind", " heart", " light"]
        let mask: TokenID = 3
        var state = AppState(modelName: "t", hasModel: true, pieces: PieceLookup { id in id >= 4 ? words[Int(id - 4) % 3] : "" },
                             maskToken: mask, theme: Theme(depth: .palette256))
        let roles = [PositionRole](repeating: .answer, count: 4)
        var history: History?
        for i in 0..<steps {
            // Position 1: masked for two steps, then a token whose p(current) climbs, repeating every third step.
            let token: TokenID = i < 2 ? mask : TokenID(4 + (i / 3) % 3)
            let p = Float(i % 7) / 10
            let frame = StepFrame(index: i, tokens: [mask, token, mask, mask], roles: roles, confidence: [0, p, 0, 0],
                                  pCurrent: [0, p, 0, 0], knobs: SamplerKnobs(), forwardPasses: i)
            if history == nil { history = History(start: frame) } else { history?.append(frame) }
        }
        state.history = history
        return state
    }

    @Test func aCutChainIsTheWholeChainsNewestEnd() {
        let state = Self.state(steps: 60)
        let whole = historyChain(position: 1, state: state)
        #expect(whole.first == "MASK" && whole.count > 20)
        #expect(!whole.dropFirst().contains { !$0.hasPrefix(" → ") })
        for limit in [1, 10, 40, 100] {
            let cut = historyChain(position: 1, state: state, atLeast: limit)
            #expect(!cut.isEmpty && cut.count < whole.count)
            #expect(Array(whole.suffix(cut.count)) == cut, "limit \(limit)")
            #expect(cut.joined().count >= limit)
        }
        #expect(historyChain(position: 1, state: state, atLeast: 100_000) == whole)
    }
}
