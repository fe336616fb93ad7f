import Foundation
import Testing
@testable import FlowTUI

@Suite struct StatusLineTests {
    /// From the narrowest supported width up, the status line ends on a whole word of the widest one or on
    /// `…`, never on a word cut in half ("prob", "10175 t").
    @Test func endsOnAWholeSegmentAtEveryWidth() throws {
        let harness = Harness()
        try harness.press(.character("e"), .enter, .character(" "), .character(" "))
        harness.state.modelName = "shakespeare-flowlm"
        harness.state.tokensPerSecond = 10175
        for screen in [Screen.visualizer, .ab] {
            harness.state.screen = screen
            let widest = render(harness.state, width: 300, height: 24).textSnapshot().split(separator: "\n")[0]
            let words = Set(widest.split(separator: " "))
            for width in MinimumSize.width...130 {
                var state = harness.state
                state.screenWidth = width
                let row = render(state, width: width, height: 24).textSnapshot().split(separator: "\n")[0]
                let last = row.split(separator: " ").last ?? ""
                #expect(row.hasSuffix("…") || words.contains(last), "\(screen) at \(width): \(row)")
            }
        }
    }
}
