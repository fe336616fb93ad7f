import ArgumentParser
import Foundation

/// Runs a command body; any error becomes one line on stderr (FlowLMError descriptions already name the
/// file and the problem) and exit status 1, instead of ArgumentParser's usage dump.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("flowlm: \(error)\n".utf8))
        throw ExitCode(1)
    }
}
