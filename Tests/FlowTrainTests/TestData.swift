import FlowCore
@testable import FlowTrain

/// A small vocabulary shared by the tests: specials at 0…4 as in the synthetic tasks, ordinary ids 5…
let testSpecials = SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1)
