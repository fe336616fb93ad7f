@testable import FlowKernels
import Foundation

extension Reference {
    /// RoPE by the definition: pairs (j, j + d/2) of each head rotated by `pos · theta^(−2j/d)`.
    public static func rope(_ values: [Float], rows: Int, rowStride: Int, sequenceLength: Int, heads: Int, headDim: Int,
                            theta: Float) -> [Float] {
        var out = values
        let half = headDim / 2
        for r in 0..<rows {
            let position = Double(r % sequenceLength)
            for h in 0..<heads {
                let base = r * rowStride + h * headDim
                for j in 0..<half {
                    let angle = position / Foundation.pow(Double(theta), Double(2 * j) / Double(headDim))
                    let a = Double(values[base + j]), b = Double(values[base + j + half])
                    out[base + j] = Float(a * Foundation.cos(angle) - b * Foundation.sin(angle))
                    out[base + j + half] = Float(b * Foundation.cos(angle) + a * Foundation.sin(angle))
                }
            }
        }
        return out
    }
}
