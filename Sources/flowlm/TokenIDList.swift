import ArgumentParser
import FlowCore

/// `--ids 2,17,4,3` as `flowlm forward` and `flowlm score` read it: comma-separated, spaces allowed, each id in
/// `0..<vocabularySize` when one is given.
func parseTokenIDs(_ text: String, vocabularySize: Int? = nil) throws -> [TokenID] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    var result: [TokenID] = []
    for part in parts {
        guard let id = TokenID(part), id >= 0, vocabularySize.map({ Int(id) < $0 }) ?? true else {
            throw ValidationError("--ids: '\(part)' is not a token id" + (vocabularySize == nil ? "" : " of this model"))
        }
        result.append(id)
    }
    guard !result.isEmpty else { throw ValidationError("--ids is empty") }
    return result
}
