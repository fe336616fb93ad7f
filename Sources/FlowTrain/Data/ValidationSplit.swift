/// Which examples go to validation: every `period`-th one (index % period == period − 1), so the split
/// is fixed by the data alone. With fewer than `period` examples but at least 2, the last one is held out.
public struct ValidationSplit: Sendable, Equatable, Codable {
    public var period: Int
    public init(period: Int = 20) { self.period = max(2, period) }

    public func isValidation(index: Int, count: Int) -> Bool {
        if count < period { return count >= 2 && index == count - 1 }
        return index % period == period - 1
    }

    public func split<T>(_ items: [T]) -> (train: [T], validation: [T]) {
        var train: [T] = [], validation: [T] = []
        for (i, item) in items.enumerated() {
            if isValidation(index: i, count: items.count) { validation.append(item) } else { train.append(item) }
        }
        return (train, validation)
    }
}
