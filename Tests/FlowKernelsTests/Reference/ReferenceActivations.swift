@testable import FlowKernels
import Foundation

extension Reference {
    public static func gelu(_ x: Float) -> Float {
        Float(0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot())))
    }

    public static func geglu(_ input: [Float], inner: Int) -> [Float] {
        var out: [Float] = []
        for r in 0..<(input.count / (2 * inner)) {
            for i in 0..<inner { out.append(gelu(input[r * 2 * inner + i]) * input[r * 2 * inner + inner + i]) }
        }
        return out
    }

    public static func softmax(_ row: [Float], scale: Float = 1) -> [Float] {
        let scaled = row.map { Double($0) * Double(scale) }
        let maximum = scaled.max() ?? 0
        let exps = scaled.map { Foundation.exp($0 - maximum) }
        let total = exps.reduce(0, +)
        return exps.map { Float($0 / total) }
    }
}

extension Reference {
    /// PyTorch's `gelu(approximate="tanh")`, in double.
    public static func geluTanh(_ x: Float) -> Float {
        let v = Double(x)
        return Float(0.5 * v * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v))))
    }

    public static func relu(_ x: Float) -> Float { x < 0 ? 0 : x }
}
