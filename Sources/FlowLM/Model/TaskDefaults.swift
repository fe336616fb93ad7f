import FlowTrain

/// What `flowlm tui` and `flowlm generate` start with when no prompt or length is given and the model is one
/// of the synthetic-task models (its tokenizer is a task's symbol list): the Shakespeare prompt would be all
/// [UNK] there, and 48 positions are beyond anything such a model saw.
public struct TaskDefaults: Sendable, Equatable {
    public var task: SyntheticTaskName
    /// The task's training layout: no prompt for palindromes and brackets, `a+b=[SEP]` for addition.
    public var prompt: String
    public var length: Int

    /// nil for a model that is not a synthetic-task model.
    public static func of(_ model: LoadedModel) -> TaskDefaults? {
        for task in SyntheticTaskName.allCases where (try? EvalTask(task: task).check(model: model)) != nil {
            switch task {
            case .palindrome, .dyck: return TaskDefaults(task: task, prompt: "", length: 16)
            case .addition: return TaskDefaults(task: task, prompt: "123+456=[SEP]", length: 3)
            }
        }
        return nil
    }
}
