// FlowModel: see docs/ARCHITECTURE.md
