import ArgumentParser
import FlowKernels

extension InferencePrecision: ExpressibleByArgument {}

/// How a loaded model runs its forward passes, shared by every command that loads one for inference.
struct InferenceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("fp32, or bf16 (weights and GEMM inputs in bfloat16, sums, norms and softmax in fp32; "
                               + "needs a CPU with AVX-512 BF16). Default: \(InferencePrecision.automatic.rawValue)"
                               + " (bf16 is \(InferencePrecision.bf16Supported ? "" : "not ")available on this CPU)."))
    var precision: InferencePrecision?

    func validate() throws {
        if precision == .bf16, !InferencePrecision.bf16Supported {
            throw ValidationError("--precision bf16 needs a CPU with AVX-512 BF16 (avx512_bf16); this one has none")
        }
    }
}
