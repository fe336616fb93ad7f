import CVectorMath
import FlowCore

/// The logits GEMMs' shared frame (fp32 and bf16): `product(lower, upper, request, summaries)` computes panels
/// lower ..< upper and folds each stored tile into `summaries` (one state per row); each worker takes its own
/// columns, and the workers' states are merged in column order, so ties keep the lower id.
/// `request.candidates` must be at most `PackedWeight.maximumSummaryCandidates`.
func gatherSoftmaxSummaries(
    rows: Int, panelCount: Int, request: SoftmaxSummaryRequest, policy: ComputePolicy,
    product: (Int, Int, UnsafePointer<flowlm_summary_request>, UnsafeMutablePointer<flowlm_row_summary>) -> Void
) -> SoftmaxSummaries {
    precondition(request.candidates >= 1 && request.candidates <= PackedWeight.maximumSummaryCandidates,
                 "packedLogitsForward: candidates out of range")
    let candidates = request.candidates
    let workers = max(1, min(policy.workers, panelCount))
    let states = UnsafeMutablePointer<flowlm_row_summary>.allocate(capacity: max(1, workers * rows))
    defer { states.deallocate() }
    flowlm_row_summary_reset(states, Int64(workers * rows))
    let summaries = SendablePointer(states)
    request.excluded.withUnsafeBufferPointer { excluded in
        var raw = flowlm_summary_request(inverse_temperature: 1 / request.temperature, k: Int32(candidates),
                                         excluded: excluded.baseAddress, excluded_count: Int32(excluded.count),
                                         weighted: request.weighted ? 1 : 0)
        withUnsafePointer(to: &raw) { rawRequest in
            let shared = SendableConstPointer(rawRequest)
            ComputePolicy(threads: workers).forEach(workers) { worker in
                let lower = panelCount * worker / workers, upper = panelCount * (worker + 1) / workers
                guard upper > lower else { return }
                product(lower, upper, shared.pointer, summaries.pointer + worker * rows)
            }
            flowlm_row_summary_finish(states, Int64(workers * rows))
            for worker in 1..<workers {
                flowlm_row_summary_merge(states, states + worker * rows, Int64(rows), rawRequest)
            }
        }
    }
    var maxima = [Float](), sums = [Float](), weighted = [Float]()
    var ids = [TokenID](repeating: -1, count: rows * candidates), logits = [Float](repeating: -.infinity, count: rows * candidates)
    maxima.reserveCapacity(rows); sums.reserveCapacity(rows); weighted.reserveCapacity(rows)
    for r in 0..<rows {
        let state = states[r]
        maxima.append(state.max); sums.append(state.sum); weighted.append(state.weighted)
        withUnsafeBytes(of: state.ids) { idBytes in
            withUnsafeBytes(of: state.values) { valueBytes in
                let stateIDs = idBytes.bindMemory(to: Int32.self), stateValues = valueBytes.bindMemory(to: Float.self)
                for j in 0..<min(candidates, Int(state.found)) {
                    ids[r * candidates + j] = stateIDs[j]; logits[r * candidates + j] = stateValues[j]
                }
            }
        }
    }
    return SoftmaxSummaries(request: request, rows: rows, maxima: maxima, sums: sums, weightedSums: weighted,
                            candidateIDs: ids, candidateLogits: logits)
}
