// FlowTUI: see docs/ARCHITECTURE.md
