import Foundation
import Testing
import FlowCore
import FlowKernels
import FlowModel
import FlowTestSupport

/// Logits through the architecture-independent interface, as the registry's callers see them.
private func registryLogits(_ model: any MaskedLanguageModel, _ batch: TokenBatch,
                            summarizing request: SoftmaxSummaryRequest? = nil) throws -> ([Float], SoftmaxSummaries?) {
    func run<M: MaskedLanguageModel>(_ m: M) throws -> ([Float], SoftmaxSummaries?) {
        // The logits live in the workspace: it must outlive the copy.
        let workspace = m.makeWorkspace()
        return try withExtendedLifetime(workspace) {
            let (logits, summaries) = try m.logitsInPlace(batch, workspace: workspace, policy: .serial, summarizing: request)
            return (Array(logits), summaries)
        }
    }
    return try run(model)
}

@Suite struct BertFamilyGoldenTests {
    static let cases = ["bert_tied", "bert_untied_padded", "bert_f16", "roberta_padded", "xlmr_gelu_new",
                        "distilbert_learned", "distilbert_sinusoidal"]

    @Test(arguments: cases)
    func logitsAndHiddenStatesMatchTransformers(name: String) throws {
        let c = try BertGoldenCase(name)
        let output = try c.model.forward(c.batch, policy: .serial, collectHiddenStates: true)
        let v = c.model.config.vocabularySize, h = c.model.config.hiddenSize
        let expectedAll = try c.golden.floats("logits")
        let worst = try c.expectLogitsMatch(output.logits, vocabularySize: v, name)
        let realPositions = c.batch.lengths.reduce(0, +), largest = c.realRows(expectedAll, width: v).map(abs).max()!
        print("\(name): max |Δlogit| \(worst) over \(realPositions) real positions (max |logit| \(largest))")
        // Padded positions attend to their row's real tokens in HF too, so even their logits agree.
        #expect(maxAbsDifference(output.logits, expectedAll) < 2e-4, "\(name): logits at padded positions")
        try c.expectHiddenStatesMatch(output.hiddenStates, width: h, layerCount: c.model.config.layerCount, name)
        #expect(output.finalHidden == nil)
    }

    /// The inference path (weights packed for the AVX-512 GEMM) against the same fixtures, one and two workers.
    @Test(.enabled(if: PackedWeight.isSupported), arguments: cases)
    func packedWeightsMatchTransformersToo(name: String) throws {
        let c = try BertGoldenCase(name)
        var model = c.model
        model.packForInference()
        #expect(model.inferenceWeights != nil)
        let v = model.config.vocabularySize
        for policy in [ComputePolicy.serial, ComputePolicy(threads: 2)] {
            let worst = try c.expectLogitsMatch(try model.forward(c.batch, policy: policy).logits, vocabularySize: v, name)
            print("\(name) packed, \(policy.threads) thread(s): max |Δlogit| \(worst)")
        }
    }

    /// Each registry entry loads its fixtures from config.json and the weights, packed for inference as they are
    /// read, and serves logits and the softmax summaries through `MaskedLanguageModel`.
    @Test(arguments: cases)
    func registryEntryLoadsAndRuns(name: String) throws {
        let c = try BertGoldenCase(name)
        let directory = try ModelDirectory(FixturePath.url("model/\(name)"))
        let json = try JSONValue.parse(Array(try Data(contentsOf: directory.configURL)))
        let modelType = try #require(json["model_type"]?.stringValue)
        let entry = try #require([ModelArchitecture.bert, .roberta, .distilbert].first { $0.modelTypes.contains(modelType) })
        let weights = WeightFiles(try SafeTensorsFile(contentsOf: directory.weightsURL))
        let model = try entry.load(json, directory.configURL.path, weights, form: .inference(precision: nil))
        #expect(model.modelType == modelType)
        #expect(model.vocabularySize == c.model.config.vocabularySize)
        #expect(model.contextLength == c.model.config.contextLength)
        #expect(model.parameterCount == c.model.parameterCount)
        #expect(model.summaryRows.count == 4)
        let v = model.vocabularySize
        let request = SoftmaxSummaryRequest(temperature: 1, candidates: 3, excluded: [0], weighted: false)
        let (logits, summaries) = try registryLogits(model, c.batch, summarizing: request)
        let expected = try c.golden.floats("logits")
        #expect(maxAbsDifference(c.realRows(logits, width: v), c.realRows(expected, width: v)) < 2e-4)
        if PackedWeight.isSupported {
            let s = try #require(summaries)
            #expect(s.rows == c.batch.tokenCount)
            for r in 0..<s.rows {
                let row = logits[(r * v)..<((r + 1) * v)].enumerated().filter { $0.offset != 0 }.map(\.element)
                #expect(abs(s.maxima[r] - row.max()!) < 1e-5)
            }
        }
        // A loader refuses a model_type that belongs to another entry.
        let other = try #require([ModelArchitecture.bert, .roberta, .distilbert].first { !$0.modelTypes.contains(modelType) })
        do {
            _ = try other.load(json, "dir/config.json", weights)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unsupported(key: "model_type") && error.description.hasPrefix("dir/config.json: "))
        }
    }

    @Test func registryEntriesNameTheirModelTypes() {
        #expect(ModelArchitecture.bert.modelTypes == ["bert"])
        #expect(ModelArchitecture.roberta.modelTypes == ["roberta", "xlm-roberta"])
        #expect(ModelArchitecture.distilbert.modelTypes == ["distilbert"])
        #expect(ModelArchitecture.bert.huggingFaceClass == "BertForMaskedLM")
        #expect(ModelArchitecture.distilbert.huggingFaceClass == "DistilBertForMaskedLM")
    }

    /// RoBERTa's positions come from the ids: a padded row must give each real token what it gets alone.
    @Test(arguments: ["roberta_padded", "bert_untied_padded", "distilbert_learned"])
    func paddedBatchEqualsEachSequenceAlone(name: String) throws {
        let c = try BertGoldenCase(name)
        let pad = c.model.config.padTokenID ?? 0
        let batched = try c.model.forward(c.batch, policy: ComputePolicy(threads: 2))
        let v = c.model.config.vocabularySize
        for b in 0..<c.batch.batchSize {
            let n = c.batch.lengths[b]
            let row = Array(c.batch.ids[(b * c.batch.length)..<(b * c.batch.length + n)])
            let alone = try c.model.forward(TokenBatch(sequences: [row], padID: pad), policy: .serial)
            let start = b * c.batch.length * v
            #expect(maxAbsDifference(Array(batched.logits[start..<(start + n * v)]), alone.logits) < 1e-4, "row \(b)")
        }
    }

    @Test func robertaPositionsCountNonPadTokensFromThePadID() throws {
        let c = try BertGoldenCase("roberta_padded")
        #expect(c.model.config.padTokenID == 1 && c.model.config.firstPosition == 2)
        let workspace = BertFamilyWorkspace(config: c.model.config)
        // Pads (1) at the end take position 1; a pad in the middle is skipped, as HF's cumsum does.
        let batch = try TokenBatch(ids: [5, 6, 1, 7, 1, 1], lengths: [4], batchSize: 1, length: 6)
        _ = try c.model.forwardInPlace(batch, workspace: workspace, policy: .serial, summarizing: nil)
        #expect(Array(UnsafeBufferPointer(start: workspace.positionIDs, count: 6)) == [2, 3, 1, 4, 1, 1])
        let xlmr = try BertGoldenCase("xlmr_gelu_new")
        #expect(xlmr.model.config.padTokenID == 3 && xlmr.model.contextLength == 28 - 4)
    }

    @Test func sequenceLongerThanThePositionTableIsAnError() throws {
        for (name, limit) in [("bert_tied", 48), ("roberta_padded", 34), ("distilbert_sinusoidal", 32)] {
            let model = try BertGoldenCase(name).model
            #expect(model.contextLength == limit)
            let fits = TokenBatch(sequences: [Array(repeating: 5, count: limit)], padID: 0)
            #expect(try model.forward(fits, policy: .serial).logits.count == limit * model.config.vocabularySize)
            let tooLong = TokenBatch(sequences: [Array(repeating: 5, count: limit + 1)], padID: 0)
            do {
                _ = try model.forward(tooLong, policy: .serial)
                Issue.record("\(name): expected an error")
            } catch {
                #expect(error.description.contains("\(limit + 1)") && error.description.contains("\(limit)"), "\(error)")
            }
        }
    }

    @Test func outOfVocabularyIdIsAnError() throws {
        let c = try BertGoldenCase("bert_f16")
        #expect(throws: ModelInputError.self) {
            try c.model.forward(TokenBatch(sequences: [[1, 5000]], padID: 0), policy: .serial)
        }
        #expect(throws: ModelInputError.self) {
            try c.model.forward(TokenBatch(sequences: [[1, -3]], padID: 0), policy: .serial)
        }
    }

    @Test func workspaceIsReusedAcrossShapes() throws {
        let c = try BertGoldenCase("bert_untied_padded")
        let workspace = c.model.makeWorkspace()
        let first = try c.model.forward(c.batch, workspace: workspace, policy: .serial)
        _ = try c.model.forward(TokenBatch(sequences: [[5, 6, 7], [8]], padID: 0), workspace: workspace, policy: .serial)
        _ = try c.model.forward(TokenBatch(sequences: [Array(repeating: 9, count: 30)], padID: 0), workspace: workspace, policy: .serial)
        let again = try c.model.forward(c.batch, workspace: workspace, policy: .serial)
        #expect(first.logits == again.logits)
    }

    @Test func twoWorkersGiveTheSameLogits() throws {
        let c = try BertGoldenCase("roberta_padded")
        let serial = try c.model.forward(c.batch, policy: .serial)
        let parallel = try c.model.forward(c.batch, policy: ComputePolicy(threads: 2))
        #expect(maxAbsDifference(serial.logits, parallel.logits) < 1e-5)
    }

    @Test func emptyBatchGivesNoLogits() throws {
        let model = try BertGoldenCase("bert_tied").model
        #expect(try model.forward(TokenBatch(sequences: [], padID: 0), policy: .serial).logits.isEmpty)
    }

    /// The parameter count is HF's: every stored tensor, plus a computed sinusoidal table, less an untied BERT's
    /// unused head bias.
    @Test func parameterCountsFollowTheCheckpoints() throws {
        func stored(_ name: String) throws -> Int {
            try ModelDirectory(FixturePath.url("model/\(name)")).openWeights().tensors.reduce(0) { $0 + $1.elementCount }
        }
        #expect(try BertGoldenCase("bert_tied").model.parameterCount == stored("bert_tied"))
        #expect(try BertGoldenCase("roberta_padded").model.parameterCount == stored("roberta_padded"))
        #expect(try BertGoldenCase("distilbert_learned").model.parameterCount == stored("distilbert_learned"))
        let untied = try BertGoldenCase("bert_untied_padded").model
        #expect(untied.parameterCount == (try stored("bert_untied_padded")) - untied.config.vocabularySize)
        let sinusoidal = try BertGoldenCase("distilbert_sinusoidal").model
        #expect(sinusoidal.parameterCount
                == (try stored("distilbert_sinusoidal")) + sinusoidal.config.maxPositions * sinusoidal.config.hiddenSize)
    }

    @Test func sinusoidalTableFollowsTheFormula() {
        let table = BertFamilyModel.sinusoidalPositionTable(rows: 3, width: 5)
        #expect(Array(table[0..<5]) == [0, 1, 0, 1, 0])
        let expected: [Double] = [sin(2), cos(2), sin(2 / pow(10_000, 0.4)), cos(2 / pow(10_000, 0.4)), sin(2 / pow(10_000, 0.8))]
        #expect(Array(table[10..<15]) == expected.map { Float($0) })
    }
}
