import Testing
import FlowCore
@testable import FlowTrain

struct SyntheticTasksTests {
    static func check(_ task: some SyntheticTask, draws: Int = 300) {
        var rng = FlowRandom(seed: 17)
        for _ in 0..<draws {
            let sample = task.sample(using: &rng)
            #expect(task.isCorrect(prompt: sample.prompt, answer: sample.answer), "\(task.name): \(sample)")
            let example = task.example(sample)
            #expect(example.ids.count <= task.maximumSequenceLength)
            #expect(example.ids.allSatisfy { $0 != task.vocabulary.specials.unk && Int($0) < task.vocabulary.size })
            #expect(example.editable.filter { $0 }.count == sample.answer.utf8.count, "only the answer is editable")
            #expect(task.vocabulary.decode(example.ids) == sample.prompt + sample.answer)
        }
    }

    @Test func palindromes() throws {
        let task = try PalindromeTask(alphabet: "abc", lengths: 1...9)
        Self.check(task)
        #expect(task.isCorrect(prompt: "", answer: "abba") && task.isCorrect(prompt: "", answer: "c"))
        #expect(!task.isCorrect(prompt: "", answer: "abca") && !task.isCorrect(prompt: "", answer: ""))
        #expect(!task.isCorrect(prompt: "", answer: "axa"), "symbols outside the alphabet")
    }

    @Test func balancedBracketsOfTwoKinds() throws {
        let task = try BracketTask(lengths: 2...12)
        Self.check(task)
        var rng = FlowRandom(seed: 3)
        let samples = (0..<200).map { _ in task.sample(using: &rng).answer }
        #expect(samples.contains { $0.contains("(") } && samples.contains { $0.contains("[") })
        #expect(samples.contains { $0.contains("([") || $0.contains("[(") }, "kinds nest inside each other")
        #expect(task.isCorrect(prompt: "", answer: "([])[]"))
        for wrong in ["(]", "([)]", "((", ")(", "", "(a)"] { #expect(!task.isCorrect(prompt: "", answer: wrong), "\(wrong)") }
    }

    @Test func multiDigitAddition() throws {
        let task = try AdditionTask(maximumDigits: 3)
        Self.check(task)
        #expect(task.isCorrect(prompt: "12+34=", answer: "46"))
        #expect(task.isCorrect(prompt: "999+1=", answer: "1000"))
        for (prompt, answer) in [("12+34=", "47"), ("12+34=", "046"), ("12+34", "46"), ("1+2+3=", "6"), ("12+34=", "")] {
            #expect(!task.isCorrect(prompt: prompt, answer: answer), "\(prompt)\(answer)")
        }
        var rng = FlowRandom(seed: 5)
        let prompts = (0..<300).map { _ in task.sample(using: &rng).prompt }
        #expect(prompts.contains { $0.hasPrefix("0+") || $0.contains("+0=") } || prompts.contains { $0.count >= 8 })
        #expect(prompts.allSatisfy { !$0.hasPrefix("0") || $0.hasPrefix("0+") }, "no leading zeros")
    }

    @Test func badTaskSettingsAreRefused() {
        #expect(throws: SettingError.self) { try PalindromeTask(lengths: 0...3) }
        #expect(throws: SettingError.self) { try BracketTask(lengths: 3...3) }
        #expect(throws: SettingError.self) { try AdditionTask(maximumDigits: 0) }
    }
}
