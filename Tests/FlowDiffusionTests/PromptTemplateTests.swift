import FlowCore
import Testing
@testable import FlowDiffusion

@Suite struct PromptTemplateTests {
    @Test(arguments: [
        ("To be, or not to be", [PromptSegment.text("To be, or not to be")]),
        ("A [MASK] day", [.text("A "), .holes(1), .text(" day")]),
        ("x{{8}}y", [.text("x"), .holes(8), .text("y")]),
        ("{{2}}[MASK]{{3}}", [.holes(6)]),
        ("keep {{name}} and }} and {{", [.text("keep {{name}} and }} and {{")]),
        ("", []),
    ])
    func splitsTextAndHoles(text: String, expected: [PromptSegment]) throws {
        #expect(try PromptTemplate.parse(text) == expected)
    }

    @Test(arguments: ["a {{0}} b", "{{99999}}"])
    func absurdHoleRunsAreErrors(text: String) {
        #expect(throws: DiffusionError.self) { try PromptTemplate.parse(text) }
    }

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
}
