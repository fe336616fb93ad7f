"""FlowLM's scale-out trainer: the corruption objectives of FlowTrain on PyTorch + Hugging Face (DDP/FSDP)."""
__version__ = "0.1.0"
