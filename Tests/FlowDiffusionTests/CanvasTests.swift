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

    @Test func repairCanvasMarksOnlyTheEditablePositions() throws {
        let canvas = try Canvas.repair(tokens: [1, 9, 3, 10, 2], editable: [1, 2, 3], specialTokens: testSpecials)
        #expect(canvas.roles == [.special, .answer, .answer, .answer, .special])
        #expect(canvas.maskedCount == 1)
        #expect(throws: DiffusionError.self) { try Canvas.repair(tokens: [1, 2], editable: [5], specialTokens: testSpecials) }
        // A MASK outside the editable positions cannot be frozen.
        #expect(throws: DiffusionError.self) { try Canvas.repair(tokens: [1, 3, 2], editable: [], specialTokens: testSpecials) }
    }

    @Test func promptPiecesTokenizeOnlyTheText() throws {
        var seen: [String] = []
        let pieces = try PromptTemplate.pieces(from: "ab{{2}}c") { text in
            seen.append(text)
            return text.unicodeScalars.map { TokenID($0.value - 90) }
        }
        #expect(seen == ["ab", "c"])
        #expect(pieces == [.tokens([7, 8]), .holes(2), .tokens([9])])
    }
}
