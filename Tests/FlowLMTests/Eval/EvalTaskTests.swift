import FlowCore
import FlowTrain
import Testing
@testable import FlowLM

@Suite struct EvalTaskTests {
    @Test func palindromeItemsAreValidFixedLengthAndSeeded() throws {
        let task = EvalTask(task: .palindrome)
        let items = task.items(count: 20, seed: 3)
        #expect(items == task.items(count: 20, seed: 3))
        #expect(items != task.items(count: 20, seed: 4))
        #expect(task.fixedAnswerLength == 16)
        for item in items {
            #expect(item.answer.count == 16 && item.tokens.count == 18)
            #expect(task.isValid(item.tokens, item: item) == true)
            #expect(task.promptedPrefix(of: item) == 4)
            var broken = item.tokens
            broken[item.answer[0]] = broken[item.answer[0]] == 5 ? 6 : 5
            #expect(task.isValid(broken, item: item) == false)
            var masked = item.tokens
            masked[item.answer[7]] = task.specials.mask
            masked[item.answer[8]] = task.specials.mask
            #expect(task.isValid(masked, item: item) == false, "a MASK left in the answer is never valid")
        }
    }

    @Test func additionItemsCarryTheirPromptAndNoPrefix() throws {
        let task = EvalTask(task: .addition)
        #expect(task.fixedAnswerLength == nil)
        for item in task.items(count: 30, seed: 0) {
            #expect(item.prompt.hasSuffix("="))
            #expect(task.promptedPrefix(of: item) == 0)
            #expect(task.isValid(item.tokens, item: item) == true)
            var wrong = item.tokens
            let last = item.answer[item.answer.count - 1]
            wrong[last] = wrong[last] == 5 ? 6 : 5  // another digit
            #expect(task.isValid(wrong, item: item) == false)
        }
    }

    @Test func bracketItemsAreBalanced() throws {
        let task = EvalTask(task: .dyck)
        for item in task.items(count: 10, seed: 1) {
            #expect(item.answer.count == 16)
            #expect(task.isValid(item.tokens, item: item) == true)
        }
    }
}
