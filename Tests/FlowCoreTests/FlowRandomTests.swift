import Testing
import FlowCore

@Suite struct FlowRandomTests {
    @Test func sameSeedSameStreamAndStateRestores() throws {
        var a = FlowRandom(seed: 42), b = FlowRandom(seed: 42)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
        var c = try #require(FlowRandom(state: a.state))
        for _ in 0..<100 { #expect(a.next() == c.next()) }
        #expect(FlowRandom(state: [0, 0, 0, 0]) == nil)
        var one = FlowRandom(seed: 1), two = FlowRandom(seed: 2)
        #expect(one.next() != two.next())
    }

    @Test func boundedIntegersAreInRangeAndRoughlyUniform() {
        var rng = FlowRandom(seed: 3)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.nextInt(below: 7)] += 1 }
        for c in counts { #expect(abs(c - 10_000) < 500) }
        for _ in 0..<1000 { let f = rng.nextFloat(); #expect(f >= 0 && f < 1) }
    }

    @Test func gaussianHasUnitMoments() {
        var rng = FlowRandom(seed: 9)
        let xs = (0..<50_000).map { _ in rng.nextGaussian() }
        let mean = xs.reduce(0, +) / Double(xs.count)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)
        #expect(abs(mean) < 0.02)
        #expect(abs(variance - 1) < 0.03)
    }
}
