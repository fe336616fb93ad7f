import CVectorMath

/// ModernBERT's GeGLU: each input row of width `2 · inner` is split in halves; the first half goes
/// through GELU and gates by multiplication with the second. `output` is [rows, inner].
public func gegluForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int, inner: Int,
                         unit: VectorUnit = .best) {
    if unit == .avx512 { flowlm_geglu_avx512(input, output, Int64(rows), Int64(inner)); return }
    let lanes = FloatVector.scalarCount
    for r in 0..<rows {
        let activated = input + r * 2 * inner
        let gate = activated + inner
        let y = output + r * inner
        var i = 0
        while i + lanes <= inner {
            storeVector(gelu(loadVector(activated + i)) * loadVector(gate + i), y + i)
            i += lanes
        }
        while i < inner { y[i] = gelu(FloatVector(repeating: activated[i]))[0] * gate[i]; i += 1 }
    }
}
