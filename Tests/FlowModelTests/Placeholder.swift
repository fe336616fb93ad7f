import Testing

@Test func FlowModelTestsBuilds() {}
