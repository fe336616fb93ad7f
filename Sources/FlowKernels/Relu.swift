/// `max(x, 0)` elementwise (PyTorch's `relu`; NaN stays NaN). `output` may alias `input`.
public func reluForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    let lanes = FloatVector.scalarCount
    let zero = FloatVector.zero
    var i = 0
    while i + lanes <= count {
        var v = loadVector(input + i)
        v.replace(with: zero, where: v .< zero)
        storeVector(v, output + i)
        i += lanes
    }
    while i < count { output[i] = input[i] < 0 ? 0 : input[i]; i += 1 }
}
