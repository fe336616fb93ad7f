import Testing

@Test func FlowKernelsTestsBuilds() {}
