@testable import FlowKernels
extension Reference {
    public static func layerNorm(_ input: [Float], width: Int, weight: [Float], bias: [Float]?, eps: Float) -> [Float] {
        var out = input
        for r in 0..<(input.count / width) {
            let row = input[(r * width)..<((r + 1) * width)].map(Double.init)
            let mean = row.reduce(0, +) / Double(width)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
            for i in 0..<width {
                out[r * width + i] = Float((row[i] - mean) / (variance + Double(eps)).squareRoot()) * weight[i] + (bias?[i] ?? 0)
            }
        }
        return out
    }
}
