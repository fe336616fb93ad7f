import Testing
@testable import FlowTUI

@Suite struct ThemeTests {
    @Test func noColorSelectsMonochromeUnlessAThemeIsRequested() {
        #expect(ColorDepth.choose(requested: nil, environment: ["NO_COLOR": "1"], terminalColors: 256) == .monochrome)
        #expect(ColorDepth.choose(requested: nil, environment: ["NO_COLOR": ""], terminalColors: 256) == .palette256)
        #expect(ColorDepth.choose(requested: .ansi16, environment: ["NO_COLOR": "1"], terminalColors: 256) == .ansi16)
        #expect(ColorDepth.choose(requested: nil, environment: [:], terminalColors: 8) == .ansi16)
    }

    @Test func rampRunsRedToAmberToGreen() {
        let low = ConfidenceRamp.rgb(0), mid = ConfidenceRamp.rgb(0.5), high = ConfidenceRamp.rgb(1)
        #expect(low.r > low.g && high.g > high.r && mid.r > 200 && mid.g > 150)
        // Decode the xterm cube index back to levels: red dominates at 0, green at 1.
        func levels(_ index: UInt8) -> (r: Int, g: Int) { let i = Int(index) - 16; return (i / 36, (i / 6) % 6) }
        let red = levels(ConfidenceRamp.paletteIndex(0)), green = levels(ConfidenceRamp.paletteIndex(1))
        #expect(red.r > red.g && green.g > green.r)
        // Smooth: the green component never decreases from red to amber.
        var previous = -1.0
        for i in 0...50 { let g = ConfidenceRamp.rgb(Double(i) / 100).g; #expect(g >= previous); previous = g }
    }

    @Test func changeStylesDifferInMonochrome() {
        let attributes = ChangeKindAttributes.all
        #expect(Set(attributes).count == attributes.count)
        #expect(attributes.allSatisfy { !$0.isEmpty })
        let mono = Theme(depth: .monochrome)
        #expect(mono.confidence(0.1) != mono.confidence(0.9))
    }
}

import FlowDiffusion
enum ChangeKindAttributes {
    static var all: [TextAttributes] {
        [ChangeKind.commit, .edit, .remask, .freeze, .force].map(\.attributes)
    }
}
