import Testing

@Test func FlowLMTestsBuilds() {}
