import FlowCore
import Testing
@testable import FlowDiffusion

@Suite struct CanvasTests {
    @Test func generationCanvasLayout() throws {
        let canvas = try Canvas.generation(prompt: [.tokens([7, 8]), .holes(2), .tokens([9])], answerLength: 3,
                                           specialTokens: testSpecials)
        #expect(canvas.tokens == [1, 7, 8, 3, 3, 9, 3, 3, 3, 2])
        #expect(canvas.roles == [.special, .prompt, .prompt, .hole, .hole, .prompt, .answer, .answer, .answer, .special])
        #expect(canvas.editablePositions == [3, 4, 6, 7, 8])
        #expect(canvas.maskedCount == 5)
        #expect(canvas.visibleFraction == 0)
    }

    @Test func frozenMaskIsRejected() {
        #expect(throws: DiffusionError.self) {
            _ = try Canvas(tokens: [1, 3, 2], roles: [.special, .prompt, .special], specialTokens: testSpecials)
        }
    }

    @Test func editingAFrozenPositionIsRefused() throws {
        let canvas = try Canvas.generation(prompt: [.tokens([7])], answerLength: 2, specialTokens: testSpecials)
        #expect(throws: DiffusionError.self) { try canvas.checkEditable(1) }
        #expect(throws: DiffusionError.self) { try canvas.checkEditable(99) }
        try canvas.checkEditable(2)
    }
}
