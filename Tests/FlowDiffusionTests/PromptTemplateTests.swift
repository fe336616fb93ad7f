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
}
