import Testing

@Test func FlowTokenizerTestsBuilds() {}
