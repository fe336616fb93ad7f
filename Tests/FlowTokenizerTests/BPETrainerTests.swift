import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTokenizer

@Suite struct BPETrainerTests {
    static let corpus = FixturePath.url("tokenizer/corpus.txt")

    /// Settings shared with Tools/make_tokenizer_fixtures.py (SWIFT_TRAIN_VOCAB, SWIFT_TRAIN_MIN_FREQUENCY).
    static func trainOnCorpus() throws -> Tokenizer {
        try BPETrainer(vocabularySize: 420, minFrequency: 2).train(files: [corpus])
    }

    @Test func learnsTheSameMergesAsHFTrainer() throws {
        let trained = try Self.trainOnCorpus()
        let hf = try JSONValue.parse(Data(contentsOf: FixturePath.url("tokenizer/hf-trainer-merges.json")))
        let expected = try #require(hf["merges"]?.arrayValue).compactMap(\.stringValue)
        let got = trained.bpeModel?.mergeList.map { "\($0.0) \($0.1)" }
        #expect(expected.count > 50)
        #expect(got == expected)
        #expect(trained.vocabularySize == 420)
    }

    @Test func specialsComeFirstThenTheByteAlphabet() throws {
        let trained = try Self.trainOnCorpus()
        for (k, name) in BPETrainer.defaultSpecialTokens.enumerated() {
            #expect(trained.id(for: name) == TokenID(k))
            #expect(trained.isSpecial(TokenID(k)))
        }
        #expect(trained.specialTokens == SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1))
        for byte in 0..<256 { #expect(trained.pieceBytes(trained.id(for: String(ByteLevel.byteToScalar[byte])) ?? -1) == [UInt8(byte)]) }
    }

    @Test func trainingIsDeterministicAndMatchesTheCommittedFile() throws {
        let first = try Self.trainOnCorpus().jsonData()
        let second = try Self.trainOnCorpus().jsonData()
        #expect(first == second)
        // The committed file is the one HF loaded to write swift-trained/golden.json.
        let committed = try Data(contentsOf: FixturePath.url("tokenizer/swift-trained/tokenizer.json"))
        #expect(try JSONValue.parse(first) == JSONValue.parse(committed))
    }

    @Test func roundTripsTheCorpus() throws {
        let trained = try Self.trainOnCorpus()
        let text = try String(contentsOf: Self.corpus, encoding: .utf8)
        var lines: [String] = []
        text.enumerateLines { line, _ in lines.append(line) }
        for line in lines {
            let encoding = trained.encode(line, addSpecialTokens: true)
            #expect(encoding.ids.first == 2 && encoding.ids.last == 3)
            #expect(trained.decode(encoding.ids, skipSpecialTokens: true) == line)
        }
    }

    @Test func writtenFileLoadsBackIdentically() throws {
        let trained = try Self.trainOnCorpus()
        let dir = FixturePath.temporaryDirectory("flowlm-tokenizer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("tokenizer.json")
        try trained.write(to: url)
        let reloaded = try Tokenizer.load(from: url)
        let sample = "Café 😀 12345 the quick\r\nbrown fox"
        #expect(reloaded.encode(sample) == trained.encode(sample))
        #expect(reloaded.vocabularySize == trained.vocabularySize)
    }

    /// Pre-tokens "ab", "Ġab" x2, "Ġcd" x2: (a,b) is seen 3 times, every other pair twice; ties go to the
    /// pair with the lower ids ('c' < 'Ġ' < merged tokens, which get ids in order of creation).
    @Test(arguments: [(3, ["a b"]), (2, ["a b", "c d", "Ġ ab", "Ġ cd"])])
    func followsFrequencyThenIDOrder(minFrequency: Int, expected: [String]) throws {
        let trained = try BPETrainer(vocabularySize: 10_000, minFrequency: minFrequency).train(texts: ["ab ab ab cd cd"])
        #expect(trained.bpeModel?.mergeList.map { "\($0.0) \($0.1)" } == expected)
    }

    @Test func stopsAtTheTargetSize() throws {
        let trained = try BPETrainer(vocabularySize: 263, minFrequency: 1).train(texts: ["ab ab ab cd cd"])
        #expect(trained.vocabularySize == 263)
        #expect(trained.bpeModel?.mergeList.count == 2)
    }
}
