import Testing
@testable import FlowDiffusion

/// The branching rules the Refiner and the TUI share: a child of a childless node extends its branch, any
/// other child starts a new one; forgetting a branch drops only the nodes no other branch passes through.
@Suite struct StepTreeTests {
    @Test func aSecondChildStartsABranchAndTipsKeepTheOrderBranchesWereMade() {
        var tree = StepTree<String>()
        let root = tree.add("0", under: nil)
        let a = tree.add("a", under: root)
        let b = tree.add("b", under: a)
        let fork = tree.add("b'", under: a)
        let c = tree.add("c", under: b)  // extends the first branch after the fork was made
        #expect(tree[b]?.branch == tree[root]?.branch && tree[c]?.branch == tree[root]?.branch)
        #expect(tree[fork]?.branch != tree[b]?.branch)
        #expect(tree.leaves == [fork, c] && tree.branchTips == [c, fork])
        #expect(tree.path(to: fork) == [root, a, fork] && tree.tip(below: a) == c)
        #expect(tree.children(of: a) == [b, fork] && tree.children(of: nil) == [root])
    }

    @Test func replacingKeepsTheNodeAndItsBranch() {
        var tree = StepTree<String>()
        let root = tree.add("0", under: nil)
        let a = tree.add("a", under: root)
        tree.replace(a, with: "a2")
        #expect(tree[a]?.value == "a2" && tree[a]?.branch == tree[root]?.branch && tree.ids == [root, a])
    }

    @Test func forgettingOldBranchesDropsOnlyWhatNoOtherBranchShows() {
        var tree = StepTree<Int>()
        let root = tree.add(0, under: nil)
        let shared = tree.add(1, under: root)
        var tips = [tree.add(2, under: shared)]
        for value in 3..<6 { tips.append(tree.add(value, under: shared)) }
        let newest = tips[3]
        let forgot = tree.forgetOldestBranches(beyond: 2, keeping: newest)
        #expect(forgot && tree.branchTips == [tips[2], newest])
        #expect(tree[root] != nil && tree[shared] != nil && tree[tips[0]] == nil && tree[tips[1]] == nil)
        let forgotAgain = tree.forgetOldestBranches(beyond: 2, keeping: newest)
        #expect(!forgotAgain)
        // The branch on screen stays even when it is the oldest.
        tree.forgetOldestBranches(beyond: 1, keeping: tips[2])
        #expect(tree.branchTips == [tips[2]])
    }

    @Test func retainKeepsPathsAndRemoveTakesASubtree() {
        var tree = StepTree<Int>()
        let root = tree.add(0, under: nil)
        let a = tree.add(1, under: root)
        let b = tree.add(2, under: a)
        let c = tree.add(3, under: root)
        let d = tree.add(4, under: c)
        let retained = tree.retain(pathsTo: [b, 99])
        #expect(retained == [root, a, b] && tree.ids == [root, a, b] && tree[c] == nil && tree[d] == nil)
        let removed = tree.remove(subtree: a)
        #expect(Set(removed) == [a, b] && tree.ids == [root])
        let removedAgain = tree.remove(subtree: a)
        #expect(removedAgain.isEmpty)
    }
}
