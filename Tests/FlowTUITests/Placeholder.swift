import Testing

@Test func FlowTUITestsBuilds() {}
