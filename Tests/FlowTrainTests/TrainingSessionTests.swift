import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTrain

struct TrainingSessionTests {
    static let vocabularySize = 24

    static func knobs(accumulation: Int = 1, batchSize: Int = 4, steps: Int = 20) -> TrainingKnobs {
        TrainingKnobs(corruption: CorruptionKnobs(objective: .flowlm),
                      schedule: LearningRateSchedule(peak: 5e-2, warmupSteps: 3, totalSteps: steps),
                      batchSize: batchSize, length: 16, accumulation: accumulation, clipNorm: 1, seed: 77)
    }

    static func examples() -> [TrainingExample] {
        (0..<30).map { k in
            let ids: [TokenID] = [2] + (0..<10).map { TokenID(5 + ($0 + k) % 19) } + [3]
            return TrainingExample(ids: ids, editable: [false] + [Bool](repeating: true, count: 10) + [false])
        }
    }

    static func session(_ knobs: TrainingKnobs, model: TableModel) throws -> TrainingSession<TableModel> {
        let corruptor = try Corruptor(knobs: knobs.corruption, specials: testSpecials, vocabularySize: vocabularySize)
        let source = AnyExampleSource(try ShuffledExamples(examples: examples(), seed: knobs.seed))
        let batcher = Batcher(source: source, corruptor: corruptor, batchSize: knobs.batchSize, length: knobs.length, seed: knobs.seed &+ 1)
        let validation = Batch.fixed(Array(examples().prefix(8)), corruptor: corruptor, batchSize: 4, length: knobs.length, seed: 5)
        return TrainingSession(model: model, knobs: knobs, batcher: batcher, validationBatches: validation)
    }

    @Test func lossFallsAndEveryKindIsReported() throws {
        let session = try Self.session(Self.knobs(), model: TableModel(vocabularySize: Self.vocabularySize, seed: 1))
        let initial = try session.evaluate()
        var last: StepReport?
        for _ in 0..<20 { last = try session.trainStep() }
        let trained = try session.evaluate()
        // The table model sees one token per position: it can learn to keep visible tokens, not to fill masks.
        let before = try #require(initial.objectiveLoss), after = try #require(trained.objectiveLoss)
        #expect(after < before - 0.2, "validation loss \(before) → \(after)")
        #expect(try #require(trained.meanLoss(.kept)) < 0.8 * (try #require(initial.meanLoss(.kept))), "\(initial.meanLoss(.kept)!) → \(trained.meanLoss(.kept)!)")
        #expect(try #require(trained.accuracy(.kept)) > 0.9)
        let report = try #require(last)
        #expect(report.step == 20 && session.step == 20)
        for kind in PositionKind.scored { #expect(report.metrics.tally(kind).positions > 0, "\(kind)") }
        #expect(session.tokensSeen == 20 * 4 * 12)
        let record = TrainingLogRecord(report, validation: try session.evaluate(), tokensSeen: session.tokensSeen, elapsedSeconds: 1)
        #expect(record.json["val_loss"]?.doubleValue != nil && record.json["loss_substituted"]?.doubleValue != nil)
    }

    @Test func resumedRunIsBitIdenticalToAnUninterruptedOne() throws {
        let knobs = Self.knobs(accumulation: 2)
        let straight = try Self.session(knobs, model: TableModel(vocabularySize: Self.vocabularySize, seed: 2))
        var straightLosses: [Double] = []
        for _ in 0..<8 { straightLosses.append(try straight.trainStep().metrics.objectiveLoss ?? -1) }

        let dir = FixturePath.temporaryDirectory()
        let first = try Self.session(knobs, model: TableModel(vocabularySize: Self.vocabularySize, seed: 2))
        var losses: [Double] = []
        for _ in 0..<3 { losses.append(try first.trainStep().metrics.objectiveLoss ?? -1) }
        try first.saveState(to: dir)
        let savedWeights = first.model.parameters  // the checkpoint's weights (written by the caller in a real run)

        let model = TableModel(vocabularySize: Self.vocabularySize, seed: 999)
        model.parameters = savedWeights
        let template = try Self.session(knobs, model: model)
        let resumed = try TrainingSession(model: model, knobs: knobs, batcher: template.batcher,
                                          validationBatches: template.validationBatches, resumingFrom: dir)
        #expect(resumed.step == 3)
        for _ in 0..<5 { losses.append(try resumed.trainStep().metrics.objectiveLoss ?? -1) }
        #expect(losses == straightLosses, "same loss curve, bit for bit")
        #expect(resumed.model.parameters == straight.model.parameters, "bit-identical parameters")
        #expect(resumed.optimizer.firstMoment == straight.optimizer.firstMoment)
        #expect(resumed.tokensSeen == straight.tokensSeen)
    }

    @Test func resumeWithOtherSettingsIsRefused() throws {
        let dir = FixturePath.temporaryDirectory()
        let session = try Self.session(Self.knobs(), model: TableModel(vocabularySize: Self.vocabularySize, seed: 3))
        _ = try session.trainStep()
        try session.saveState(to: dir)
        var other = Self.knobs()
        other.seed = 78
        let template = try Self.session(other, model: session.model)
        let error = try #require(throws: FileProblem.self) {
            try TrainingSession(model: session.model, knobs: other, batcher: template.batcher, resumingFrom: dir)
        }
        #expect(error.problem.contains("seed"))
    }

    @Test func accumulatedStepEqualsOneBigBatch() throws {
        let big = try Self.session(Self.knobs(accumulation: 1, batchSize: 8), model: TableModel(vocabularySize: Self.vocabularySize, seed: 4))
        let small = try Self.session(Self.knobs(accumulation: 2, batchSize: 4), model: TableModel(vocabularySize: Self.vocabularySize, seed: 4))
        for _ in 0..<3 {
            let a = try big.trainStep(), b = try small.trainStep()
            #expect(abs(a.gradientNorm - b.gradientNorm) < 1e-5 * a.gradientNorm)
            #expect(abs((a.metrics.objectiveLoss ?? 0) - (b.metrics.objectiveLoss ?? 0)) < 1e-6)
        }
        #expect(maxAbsDifference(big.model.parameters, small.model.parameters) < 1e-5)
    }

    @Test func nonFiniteLossStopsBeforeTheUpdate() throws {
        let session = try Self.session(Self.knobs(), model: TableModel(vocabularySize: Self.vocabularySize, seed: 5))
        _ = try session.trainStep()
        let before = session.model.parameters
        session.model.poisonNextForward = true
        let error = try #require(throws: TrainingDiverged.self) { try session.trainStep() }
        #expect(error.step == 2 && error.description.contains("step 2"))
        #expect(session.model.parameters == before && session.step == 1)
    }
}
