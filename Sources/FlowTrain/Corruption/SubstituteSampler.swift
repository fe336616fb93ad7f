import FlowCore
import Foundation

/// Draws a substitute for a token: an ordinary token (never a reserved id) different from the original.
/// Drawing "any token but the original" makes every substitution a real corruption, so the substituted
/// kind is never secretly a kept token and its accuracy measures restoration only.
public struct SubstituteSampler: Sendable {
    /// Ordinary ids in increasing order.
    public let ordinary: [TokenID]
    /// For each vocabulary id its index in `ordinary`, or −1 for an excluded id.
    private let indexOf: [Int32]
    /// Cumulative unigram mass over `ordinary` (empty for the uniform distribution).
    private let cumulative: [Double]

    /// How often an unigram draw may land on the original before falling back to uniform
    /// (only reachable when one token holds almost all the mass).
    static let unigramRetries = 64

    public init(vocabularySize: Int, excluded: [TokenID], distribution: SubstituteDistribution = .uniform) throws(SettingError) {
        var isExcluded = [Bool](repeating: false, count: max(vocabularySize, 0))
        for id in excluded where id >= 0 && Int(id) < vocabularySize { isExcluded[Int(id)] = true }
        var ordinary: [TokenID] = []
        var indexOf = [Int32](repeating: -1, count: max(vocabularySize, 0))
        for id in 0..<max(vocabularySize, 0) where !isExcluded[id] {
            indexOf[id] = Int32(ordinary.count)
            ordinary.append(TokenID(id))
        }
        guard ordinary.count >= 2 else {
            throw SettingError(message: "substitution needs at least 2 ordinary tokens, the vocabulary has \(ordinary.count)")
        }
        var cumulative: [Double] = []
        if case let .unigram(counts) = distribution {
            guard counts.count == vocabularySize else {
                throw SettingError(message: "unigram counts cover \(counts.count) ids, the vocabulary has \(vocabularySize)")
            }
            var total = 0.0
            var positive = 0
            cumulative.reserveCapacity(ordinary.count)
            for id in ordinary {
                let c = counts[Int(id)]
                guard c.isFinite, c >= 0 else { throw SettingError(message: "unigram count of id \(id) is \(c)") }
                if c > 0 { positive += 1 }
                total += c
                cumulative.append(total)
            }
            guard positive >= 2 else {
                throw SettingError(message: "unigram substitutes need at least 2 ordinary tokens with a positive count")
            }
        }
        self.ordinary = ordinary
        self.indexOf = indexOf
        self.cumulative = cumulative
    }

    /// A substitute for `original` (which may itself be any id).
    public func draw(replacing original: TokenID, using rng: inout FlowRandom) -> TokenID {
        if !cumulative.isEmpty {
            for _ in 0..<Self.unigramRetries {
                let candidate = drawUnigram(using: &rng)
                if candidate != original { return candidate }
            }
        }
        let originalIndex = original >= 0 && Int(original) < indexOf.count ? Int(indexOf[Int(original)]) : -1
        if originalIndex < 0 { return ordinary[rng.nextInt(below: ordinary.count)] }
        // Uniform over the n−1 others: draw from n−1 slots and step over the original's slot.
        var k = rng.nextInt(below: ordinary.count - 1)
        if k >= originalIndex { k += 1 }
        return ordinary[k]
    }

    /// A substitute drawn from a model's predictive distribution (`logits`, one vocabulary row, temperature 1)
    /// over the ordinary ids other than `original`. Nil when the row gives those ids no finite mass.
    public func draw(fromLogits logits: UnsafeBufferPointer<Float>, replacing original: TokenID,
                     using rng: inout FlowRandom) -> TokenID? {
        var top = -Float.infinity
        for id in ordinary where id != original && logits[Int(id)] > top { top = logits[Int(id)] }
        guard top.isFinite else { return nil }
        var total = 0.0
        for id in ordinary where id != original { total += Double(expf(logits[Int(id)] - top)) }
        guard total > 0, total.isFinite else { return nil }
        let u = rng.nextDouble() * total
        var running = 0.0, last: TokenID? = nil
        for id in ordinary where id != original {
            running += Double(expf(logits[Int(id)] - top))
            last = id
            if running > u { return id }
        }
        return last
    }

    private func drawUnigram(using rng: inout FlowRandom) -> TokenID {
        let total = cumulative[cumulative.count - 1]
        let u = rng.nextDouble() * total
        // First index whose cumulative mass exceeds u: never an id with zero count.
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return ordinary[lo]
    }
}
