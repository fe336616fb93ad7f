import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTrain

struct ModelDrawnSubstitutesTests {
    static let vocabularySize = TrainingSessionTests.vocabularySize

    static func sampler() throws -> SubstituteSampler {
        try SubstituteSampler(vocabularySize: vocabularySize, excluded: testSpecials.reserved)
    }

    @Test func aDrawFollowsTheLogitsAndNeverGivesTheOriginalOrAReservedId() throws {
        let sampler = try Self.sampler()
        var rng = FlowRandom(seed: 3)
        var peaked = [Float](repeating: 0, count: Self.vocabularySize)
        peaked[9] = 30
        let fromPeak = peaked.withUnsafeBufferPointer { row in sampler.draw(fromLogits: row, replacing: 7, using: &rng) }
        #expect(fromPeak == 9)
        // The row's favourite is the original and a reserved id: the draw goes to the ordinary others.
        var onOriginal = [Float](repeating: 0, count: Self.vocabularySize)
        onOriginal[7] = 50; onOriginal[Int(testSpecials.mask)] = 50
        var seen = Set<TokenID>()
        for _ in 0..<400 {
            let id = try #require(onOriginal.withUnsafeBufferPointer { sampler.draw(fromLogits: $0, replacing: 7, using: &rng) })
            seen.insert(id)
        }
        #expect(!seen.contains(7) && seen.allSatisfy { !testSpecials.isReserved($0) })
        #expect(seen.count > 10, "the rest of the row is flat, so the draws spread (\(seen.count) ids)")
        let dead = [Float](repeating: -.infinity, count: Self.vocabularySize)
        #expect(dead.withUnsafeBufferPointer { sampler.draw(fromLogits: $0, replacing: 7, using: &rng) } == nil)
    }

    /// A table model whose prediction under [MASK] is token 11, strongly.
    static func maskPredicts11() -> TableModel {
        let model = TableModel(vocabularySize: vocabularySize, seed: 1)
        model.parameters[Int(testSpecials.mask) * vocabularySize + 11] = 40
        return model
    }

    static func batch(seed: UInt64) throws -> Batch {
        var knobs = CorruptionKnobs(objective: .flowlm)
        knobs.substitutionFloor = 0.5
        let corruptor = try Corruptor(knobs: knobs, specials: testSpecials, vocabularySize: vocabularySize)
        return Batch.fixed(TrainingSessionTests.examples(), corruptor: corruptor, batchSize: 30, length: 16, seed: seed)[0]
    }

    @Test func theChosenSubstitutionsTakeTheModelsPredictionAndNothingElseMoves() throws {
        let clean = try Self.batch(seed: 8)
        let substituted = clean.kinds.indices.filter { clean.kinds[$0] == .substituted }
        #expect(substituted.count > 20)
        var rng = FlowRandom(seed: 1)
        var all = clean
        let changed = try ModelDrawnSubstitutes.redraw(&all, share: 1, model: Self.maskPredicts11(), sampler: Self.sampler(),
                                                       mask: testSpecials.mask, using: &rng)
        #expect(changed == substituted.count)
        for i in clean.inputIds.indices {
            if clean.kinds[i] == .substituted {
                #expect(all.inputIds[i] == (clean.labels[i] == 11 ? all.inputIds[i] : 11))
                #expect(all.inputIds[i] != clean.labels[i])
            } else {
                #expect(all.inputIds[i] == clean.inputIds[i])
            }
        }
        #expect(all.labels == clean.labels && all.weights == clean.weights && all.kinds == clean.kinds)

        var none = clean
        #expect(try ModelDrawnSubstitutes.redraw(&none, share: 0, model: Self.maskPredicts11(), sampler: Self.sampler(),
                                                 mask: testSpecials.mask, using: &rng) == 0)
        #expect(none == clean)
        var half = clean
        let some = try ModelDrawnSubstitutes.redraw(&half, share: 0.5, model: Self.maskPredicts11(), sampler: Self.sampler(),
                                                    mask: testSpecials.mask, using: &rng)
        #expect(some > 0 && some < substituted.count)
    }

    @Test func aRunWithModelDrawnSubstitutesIsReproducibleAndResumesExactly() throws {
        var knobs = TrainingSessionTests.knobs(accumulation: 2)
        knobs.corruption.modelSubstituteShare = 0.5
        knobs.corruption.substitutionFloor = 0.3
        func run(_ steps: Int, _ session: TrainingSession<TableModel>) throws -> [Double] {
            try (0..<steps).map { _ in try session.trainStep().metrics.objectiveLoss ?? -1 }
        }
        let a = try TrainingSessionTests.session(knobs, model: TableModel(vocabularySize: Self.vocabularySize, seed: 2))
        let b = try TrainingSessionTests.session(knobs, model: TableModel(vocabularySize: Self.vocabularySize, seed: 2))
        let lossesA = try run(6, a)
        #expect(try run(6, b) == lossesA)
        var uniformKnobs = knobs
        uniformKnobs.corruption.modelSubstituteShare = 0
        let uniform = try TrainingSessionTests.session(uniformKnobs, model: TableModel(vocabularySize: Self.vocabularySize, seed: 2))
        #expect(try run(6, uniform) != lossesA, "the re-drawn substitutes change what the model is trained on")

        let dir = FixturePath.temporaryDirectory()
        let first = try TrainingSessionTests.session(knobs, model: TableModel(vocabularySize: Self.vocabularySize, seed: 2))
        var losses = try run(2, first)
        try first.saveState(to: dir)
        let model = TableModel(vocabularySize: Self.vocabularySize, seed: 999)
        model.parameters = first.model.parameters
        let template = try TrainingSessionTests.session(knobs, model: model)
        let resumed = try TrainingSession(model: model, knobs: knobs, batcher: template.batcher,
                                          validationBatches: template.validationBatches, resumingFrom: dir)
        losses += try run(4, resumed)
        #expect(losses == lossesA, "resumed: the same draws, bit for bit")
        #expect(resumed.model.parameters == a.model.parameters)
    }
}
