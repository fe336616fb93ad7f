// swift-tools-version:6.0
import PackageDescription
import Foundation

// Release builds must be fast without flags from the user (docs/DECISIONS.md, "Compiler flags").
// -Ounchecked only on the numeric targets whose inner loops are over validated unsafe buffers;
// no -target-cpu: the binary must run on any x86-64; GEMM goes to the packed AVX-512 kernel where the CPU has it
// (chosen at run time), else to OpenBLAS, which dispatches its own kernels.
let hotCode: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]

var targets: [Target] = [
    .systemLibrary(name: "CNCursesW", path: "Sources/CNCursesW"),
    .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                   providers: [.apt(["libopenblas-dev"])]),

    .target(name: "FlowCore", swiftSettings: hotCode),
    .target(name: "FlowKernels", dependencies: ["FlowCore", "COpenBLAS", "CVectorMath"], swiftSettings: hotCode),
    .target(name: "FlowTokenizer", dependencies: ["FlowCore"]),
    .target(name: "FlowModel", dependencies: ["FlowCore", "FlowKernels"], swiftSettings: hotCode),
    .target(name: "FlowTrain", dependencies: ["FlowCore", "FlowKernels", "FlowModel", "FlowTokenizer", "CVectorMath"],
            swiftSettings: hotCode),
    // Kernels in C with per-function CPU targets, chosen at run time (baseline x86-64 otherwise): the loop's
    // softmax sweep and top-k in AVX2+FMA, the inference GEMM on packed weights in AVX-512.
    .target(name: "CVectorMath", cSettings: [.unsafeFlags(["-O3"], .when(configuration: .release))]),
    .target(name: "FlowDiffusion", dependencies: ["FlowCore", "CVectorMath"], swiftSettings: hotCode),
    .target(name: "FlowTUI", dependencies: ["FlowCore", "FlowDiffusion"]),
    .target(name: "FlowTerminal", dependencies: ["CNCursesW", "FlowTUI"]),
    .target(name: "FlowLM", dependencies: [
        "FlowCore", "FlowKernels", "FlowTokenizer", "FlowModel", "FlowTrain",
        "FlowDiffusion", "FlowTUI", "FlowTerminal",
    ]),
    .executableTarget(name: "flowlm", dependencies: [
        "FlowLM", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),

    .target(name: "FlowTestSupport", dependencies: ["FlowCore"], path: "Tests/FlowTestSupport"),
    .testTarget(name: "FlowCoreTests", dependencies: ["FlowCore", "FlowTestSupport"]),
    .testTarget(name: "FlowKernelsTests", dependencies: ["FlowKernels", "FlowTestSupport"]),
    .testTarget(name: "FlowTokenizerTests", dependencies: ["FlowTokenizer", "FlowTestSupport"]),
    .testTarget(name: "FlowModelTests", dependencies: ["FlowModel", "FlowTestSupport"]),
    .testTarget(name: "FlowTrainTests", dependencies: ["FlowTrain", "FlowTestSupport"]),
    .testTarget(name: "FlowDiffusionTests", dependencies: ["FlowDiffusion", "FlowTestSupport"]),
    // Snapshots are read from the source tree by path (#filePath), not bundled as resources.
    .testTarget(name: "FlowTUITests", dependencies: ["FlowTUI", "FlowTestSupport"], exclude: ["__Snapshots__"]),
    .testTarget(name: "FlowLMTests", dependencies: ["FlowLM", "FlowTestSupport"]),
]

// libFuzzer targets have no main(): they link only under `--sanitize=fuzzer`, so they exist
// only when Tools/fuzz.sh asks for them (FLOWLM_FUZZ=1).
if ProcessInfo.processInfo.environment["FLOWLM_FUZZ"] == "1" {
    targets += [
        .executableTarget(name: "fuzz-safetensors", dependencies: ["FlowCore"], path: "Fuzz/SafeTensors"),
        .executableTarget(name: "fuzz-config", dependencies: ["FlowModel"], path: "Fuzz/Config"),
        .executableTarget(name: "fuzz-tokenizer", dependencies: ["FlowTokenizer"], path: "Fuzz/Tokenizer"),
        .executableTarget(name: "fuzz-model-files", dependencies: ["FlowModel"], path: "Fuzz/ModelFiles"),
        .executableTarget(name: "fuzz-trace", dependencies: ["FlowDiffusion"], path: "Fuzz/Trace"),
        .executableTarget(name: "fuzz-prompt-response", dependencies: ["FlowTrain"], path: "Fuzz/PromptResponse"),
        .executableTarget(name: "fuzz-bpe-trainer", dependencies: ["FlowTokenizer"], path: "Fuzz/BPETrainer"),
        .executableTarget(name: "fuzz-prompt-template", dependencies: ["FlowDiffusion"], path: "Fuzz/PromptTemplate"),
        .executableTarget(name: "fuzz-wordpiece", dependencies: ["FlowTokenizer"], path: "Fuzz/WordPiece"),
    ]
}

let package = Package(
    name: "FlowLM",
    platforms: [.macOS(.v14)],
    products: [.executable(name: "flowlm", targets: ["flowlm"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: targets
)
