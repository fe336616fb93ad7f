import Testing

@Test func FlowDiffusionTestsBuilds() {}
