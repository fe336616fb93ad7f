import Testing
import FlowKernels
@testable import FlowLM

struct LogitAgreementTests {
    /// Three rows of four logits: the first agrees, the second flips (the reference led by 0.25), the third ties
    /// in the reference (the lower id is its argmax) and agrees; only the listed rows count.
    @Test func countsArgmaxFlipsAndTheLargestDifference() {
        let reference: [Float] = [0, 3, 1, 2, /**/ 1, 0.75, 0.5, 0, /**/ 2, 2, 0, 0]
        let other: [Float] = [0.1, 3, 1, 2, /**/ 0.9, 1, 0.5, 0, /**/ 2, 1.9, 0, 0]
        var agreement = LogitAgreement()
        reference.withUnsafeBufferPointer { r in
            other.withUnsafeBufferPointer { o in agreement.add(reference: r, other: o, vocabularySize: 4) }
        }
        #expect(agreement.positions == 3 && agreement.agreeing == 2)
        #expect(agreement.maxFlippedLead == 0.25)
        #expect(abs(agreement.maxAbsDifference - 0.25) < 1e-6)
        var firstOnly = LogitAgreement()
        reference.withUnsafeBufferPointer { r in
            other.withUnsafeBufferPointer { o in firstOnly.add(reference: r, other: o, vocabularySize: 4, rows: [0]) }
        }
        #expect(firstOnly.fraction == 1 && firstOnly.maxAbsDifference > 0.09)
    }

    @Test func bf16IsChosenOnlyWhereTheCPURunsIt() {
        #expect(InferencePrecision.resolved(.fp32) == .fp32)
        #expect(InferencePrecision.resolved(.bf16) == (InferencePrecision.bf16Supported ? .bf16 : .fp32))
        #expect(InferencePrecision.resolved(nil) == InferencePrecision.resolved(InferencePrecision.automatic))
    }
}
