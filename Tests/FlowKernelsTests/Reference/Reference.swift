@testable import FlowKernels
/// Plain, obviously-correct twins of the kernels, written from the definitions with scalar loops and
/// double accumulation where it is free. Tests compare every fast kernel against its twin; the trainer's
/// gradient checks can build on them too. Never used on a hot path.
public enum Reference {}
