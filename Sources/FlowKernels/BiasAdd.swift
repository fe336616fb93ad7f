/// Adds `bias` [width] to every row of `values` [rows, width].
public func biasAddForward(values: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>) {
    for r in 0..<rows {
        let row = values + r * width
        for i in 0..<width { row[i] += bias[i] }
    }
}

/// `output = a + b`, elementwise; `output` may alias either input (residual connections).
public func addForward(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    let lanes = FloatVector.scalarCount
    var i = 0
    while i + lanes <= count { storeVector(loadVector(a + i) + loadVector(b + i), output + i); i += lanes }
    while i < count { output[i] = a[i] + b[i]; i += 1 }
}
