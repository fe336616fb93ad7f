import Foundation
import FlowCore
@testable import FlowTrain

/// Specials at 0…4 as in the synthetic tasks; ordinary ids from 5.
let testSpecials = SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1)

/// A stand-in tokenizer for data tests: one ordinary id per Unicode scalar (5…204).
func characterEncoder(_ text: String) -> [TokenID] {
    text.unicodeScalars.map { TokenID(5 + Int($0.value % 200)) }
}

/// A fixed example: [CLS] prompt [SEP] answer [SEP] [PAD]…, only the answer editable.
func promptAnswerExample(prompt: Int, answer: Int, padding: Int, firstId: TokenID = 5) -> TrainingExample {
    var ids: [TokenID] = [testSpecials.cls]
    var editable = [false]
    for k in 0..<prompt { ids.append(firstId + TokenID(k % 20)); editable.append(false) }
    ids.append(testSpecials.sep); editable.append(false)
    for k in 0..<answer { ids.append(firstId + TokenID((3 * k + 1) % 40)); editable.append(true) }
    ids.append(testSpecials.sep); editable.append(false)
    for _ in 0..<padding { ids.append(testSpecials.pad); editable.append(false) }
    return TrainingExample(ids: ids, editable: editable)
}

func writeFile(_ text: String, _ name: String, in dir: URL) -> URL {
    let url = dir.appendingPathComponent(name)
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8))
    return url
}

func writeBytes(_ bytes: [UInt8], _ name: String, in dir: URL) -> URL {
    let url = dir.appendingPathComponent(name)
    _ = FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
    return url
}
