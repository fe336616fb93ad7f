// FlowKernels: see docs/ARCHITECTURE.md
