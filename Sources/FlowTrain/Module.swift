// FlowTrain: see docs/ARCHITECTURE.md
