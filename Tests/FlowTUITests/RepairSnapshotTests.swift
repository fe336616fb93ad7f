import Testing
@testable import FlowTUI

/// Repair mode's screen at 80×24 in the three colour depths: the damaged canvas before the first step, and the
/// loop part-way with the cursor on a damaged position it changed (the inspector judging the change).
/// Re-record with `FLOWLM_RECORD_SNAPSHOTS=1 swift test --filter RepairSnapshotTests` and review the diff.
@Suite struct RepairSnapshotTests {
    func repairHarness(depth: ColorDepth, steps: Int) throws -> Harness {
        let harness = Harness(depth: depth)
        harness.state.damageRates = RepairModeTests.rates
        try harness.press(.character("e"), .enter)
        for _ in 0..<40 { try harness.press(.character(" ")) }
        try harness.press(.character("R"))
        for _ in 0..<steps { try harness.press(.character(" ")) }
        let damage = try #require(harness.state.repair?.damage)
        let frames = try #require(harness.state.history?.frames)
        let changed = damage.damagedPositions.last { p in frames.contains { $0.change(at: p) != nil } }
        harness.state.cursor = changed ?? damage.damagedPositions[0]
        return harness
    }

    func check(_ harness: Harness, _ name: String) {
        var state = harness.state
        state.screenWidth = 80; state.screenHeight = 24
        assertSnapshot(render(state, width: 80, height: 24), named: "\(name)-80x24")
    }

    @Test func damagedCanvasBeforeTheFirstStep() throws {
        check(try repairHarness(depth: .palette256, steps: 0), "repair-start")
    }

    @Test func correctionUnderWayInEveryColourDepth() throws {
        check(try repairHarness(depth: .palette256, steps: 3), "repair")
        check(try repairHarness(depth: .ansi16, steps: 3), "repair-16")
        check(try repairHarness(depth: .monochrome, steps: 3), "repair-mono")
    }
}
