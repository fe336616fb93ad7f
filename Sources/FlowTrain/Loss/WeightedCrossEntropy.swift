import CVectorMath
import Foundation
import FlowCore
import FlowKernels

/// What the weighted loss is divided by (docs/DECISIONS.md, "Loss normalisation").
public enum LossNormalization: Sendable, Equatable, Codable {
    /// Σ w over scored positions: a weighted mean; with all weights 1 it is HF's `ForMaskedLMLoss` mean.
    case sumOfWeights
    /// A fixed denominator, e.g. the summed weights of a whole accumulated batch.
    case fixed(Double)
}

public struct LossInputError: FlowLMError, Equatable {
    public let message: String
    public var description: String { "loss: \(message)" }
}

/// The loss of one batch of rows, with the per-row facts that metrics need.
public struct CrossEntropyResult: Sendable, Equatable {
    /// Σ_i w_i · CE_i / denominator.
    public var loss: Float
    /// Σ_i w_i over scored rows.
    public var weightSum: Double
    public var denominator: Double
    /// CE_i per row (0 on ignored rows); computed on every scored row, weight 0 included.
    public var rowLoss: [Float]
    /// Argmax per row with the excluded token left out; −1 on ignored rows.
    public var predictions: [TokenID]
}

/// Cross-entropy from logits over [N, V] rows with per-row weights, ignored rows and one excluded
/// token (MASK) whose logit counts as −∞:
///
///     CE_i  = logsumexp_{v ≠ MASK}(z_iv) − z_i,y_i
///     loss  = Σ_{i scored} w_i · CE_i / D,   D = Σ_{i scored} w_i   (or a fixed D)
///     ∂loss/∂z_iv = (w_i / D) · (softmax_{v≠MASK}(z_i)_v − [v = y_i]),   0 for v = MASK and ignored rows.
public enum WeightedCrossEntropy {
    /// `gradient`, when given, receives ∂loss/∂logits (all N·V entries written); it may be the logits' memory.
    /// Rows are independent and the total is summed in row order afterwards, so `policy`'s workers change
    /// no bit of the result.
    public static func compute(
        logits: UnsafeBufferPointer<Float>, vocabularySize: Int,
        labels: [TokenID], weights: [Float], kinds: [PositionKind],
        excludedToken: TokenID?, normalization: LossNormalization = .sumOfWeights,
        gradient: UnsafeMutableBufferPointer<Float>? = nil, policy: ComputePolicy = .serial, unit: VectorUnit = .best
    ) throws(LossInputError) -> CrossEntropyResult {
        let rows = labels.count
        let V = vocabularySize
        precondition(V > 0 && logits.count == rows * V && weights.count == rows && kinds.count == rows,
                     "WeightedCrossEntropy: shapes disagree")
        precondition(gradient == nil || gradient!.count == rows * V, "WeightedCrossEntropy: gradient has the wrong size")
        let excluded = excludedToken.map(Int.init) ?? -1

        var weightSum = 0.0
        for i in 0..<rows where kinds[i] != .ignored {
            let y = Int(labels[i])
            guard y >= 0, y < V else { throw LossInputError(message: "row \(i): label \(y) outside the vocabulary (\(V))") }
            guard y != excluded else { throw LossInputError(message: "row \(i): the excluded token \(y) is a target") }
            guard weights[i].isFinite, weights[i] >= 0 else { throw LossInputError(message: "row \(i): weight \(weights[i])") }
            weightSum += Double(weights[i])
        }
        let denominator: Double
        switch normalization {
        case .sumOfWeights: denominator = weightSum
        case let .fixed(d): denominator = d
        }
        let scale = denominator > 0 ? 1 / denominator : 0

        guard rows > 0 else {
            return CrossEntropyResult(loss: 0, weightSum: 0, denominator: denominator, rowLoss: [], predictions: [])
        }
        var rowLoss = [Float](repeating: 0, count: rows)
        var predictions = [TokenID](repeating: -1, count: rows)
        rowLoss.withUnsafeMutableBufferPointer { losses in
            predictions.withUnsafeMutableBufferPointer { best in
                let out = RowOutputs(losses: SendablePointer(losses.baseAddress!), best: SendablePointer(best.baseAddress!),
                                     gradient: gradient.map { SendablePointer($0.baseAddress!) })
                let z = SendableConstPointer(logits.baseAddress!)
                policy.forEachChunk(rows, minimumChunk: 64) { chunk in
                    for i in chunk {
                        if unit == .avx512 && kinds[i] != .ignored {
                            out.losses.pointer[i] = flowlm_cross_entropy_row_avx512(
                                z.pointer + i * V, Int64(V), Int64(excluded), Int64(labels[i]),
                                out.gradient.map { $0.pointer + i * V }, Double(weights[i]) * scale, out.best.pointer + i)
                            continue
                        }
                        row(i, logits: z.pointer + i * V, vocabularySize: V, label: Int(labels[i]), ignored: kinds[i] == .ignored,
                            excluded: excluded, gradientScale: Double(weights[i]) * scale,
                            gradient: out.gradient.map { $0.pointer + i * V }, output: out)
                    }
                }
            }
        }
        var total = 0.0
        for i in 0..<rows where kinds[i] != .ignored { total += Double(weights[i]) * Double(rowLoss[i]) }
        return CrossEntropyResult(loss: Float(total * scale), weightSum: weightSum, denominator: denominator,
                                  rowLoss: rowLoss, predictions: predictions)
    }

    private struct RowOutputs: @unchecked Sendable {
        let losses: SendablePointer<Float>
        let best: SendablePointer<TokenID>
        let gradient: SendablePointer<Float>?
    }

    /// One row: CE, argmax (excluded token left out) and, when asked, the row's gradient.
    private static func row(_ i: Int, logits z: UnsafePointer<Float>, vocabularySize V: Int, label y: Int, ignored: Bool,
                            excluded: Int, gradientScale rowScale: Double, gradient g: UnsafeMutablePointer<Float>?,
                            output: RowOutputs) {
        guard !ignored else {
            g?.update(repeating: 0, count: V)
            return
        }
        var best = -1
        var maxValue = -Float.infinity
        for v in 0..<V where v != excluded && (best < 0 || z[v] > maxValue) {
            best = v
            maxValue = z[v]
        }
        let target = z[y]
        var sum = 0.0
        if let g {
            for v in 0..<V {
                let e = v == excluded ? 0 : expf(z[v] - maxValue)
                g[v] = e
                sum += Double(e)
            }
        } else {
            for v in 0..<V where v != excluded { sum += Double(expf(z[v] - maxValue)) }
        }
        output.losses.pointer[i] = Float(log(sum)) + maxValue - target
        output.best.pointer[i] = TokenID(best)
        if let g {
            let factor = Float(rowScale / sum)
            for v in 0..<V { g[v] *= factor }
            g[y] -= Float(rowScale)
        }
    }

    /// Array convenience: returns the result and the gradient (when asked for).
    public static func compute(
        logits: [Float], vocabularySize: Int, labels: [TokenID], weights: [Float], kinds: [PositionKind],
        excludedToken: TokenID?, normalization: LossNormalization = .sumOfWeights, wantGradient: Bool,
        unit: VectorUnit = .best
    ) throws(LossInputError) -> (result: CrossEntropyResult, gradient: [Float]) {
        var gradient = [Float](repeating: 0, count: wantGradient ? logits.count : 0)
        let result: Result<CrossEntropyResult, LossInputError> = logits.withUnsafeBufferPointer { z in
            gradient.withUnsafeMutableBufferPointer { g in
                Result { () throws(LossInputError) -> CrossEntropyResult in
                    try compute(logits: z, vocabularySize: vocabularySize, labels: labels, weights: weights, kinds: kinds,
                                excludedToken: excludedToken, normalization: normalization,
                                gradient: wantGradient ? g : nil, unit: unit)
                }
            }
        }
        return (try result.get(), gradient)
    }
}
