import Testing

@Test func FlowCoreTestsBuilds() {}
