// FlowTerminal: see docs/ARCHITECTURE.md
