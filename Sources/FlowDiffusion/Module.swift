// FlowDiffusion: see docs/ARCHITECTURE.md
