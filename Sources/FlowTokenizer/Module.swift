// FlowTokenizer: see docs/ARCHITECTURE.md
