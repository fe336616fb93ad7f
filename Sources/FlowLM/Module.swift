// FlowLM: see docs/ARCHITECTURE.md
