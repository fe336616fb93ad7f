import Testing

@Test func FlowTrainTestsBuilds() {}
