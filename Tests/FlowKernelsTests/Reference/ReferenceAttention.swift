@testable import FlowKernels
extension Reference {
    /// One head over one sequence with dense q, k, v [length, headDim]: masked scores, softmax, weighted sum.
    public static func attention(q: [Float], k: [Float], v: [Float], length: Int, headDim: Int, keyCount: Int,
                                 window: AttentionWindow) -> [Float] {
        var out = [Float](repeating: 0, count: length * headDim)
        let scale = 1 / Double(headDim).squareRoot()
        for t in 0..<length {
            var scores: [Double] = []
            var keys: [Int] = []
            for u in 0..<keyCount {
                if case let .sliding(w) = window, abs(t - u) > w { continue }
                var dot = 0.0
                for i in 0..<headDim { dot += Double(q[t * headDim + i]) * Double(k[u * headDim + i]) }
                scores.append(dot * scale)
                keys.append(u)
            }
            guard let maximum = scores.max() else { continue }
            let exps = scores.map { Foundation.exp($0 - maximum) }
            let total = exps.reduce(0, +)
            for (n, u) in keys.enumerated() {
                for i in 0..<headDim { out[t * headDim + i] += Float(exps[n] / total * Double(v[u * headDim + i])) }
            }
        }
        return out
    }
}

import Foundation
