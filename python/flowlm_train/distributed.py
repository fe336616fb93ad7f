"""Process group setup, DDP/FSDP wrapping, and whole-model state dicts that work for all three."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass
class Context:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def setup(backend: str | None = None, device: str = "auto") -> Context:
    """Reads torchrun's RANK/WORLD_SIZE/LOCAL_RANK; a plain `python -m` run is rank 0 of 1."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = torch.cuda.is_available() if device == "auto" else device == "cuda"
    dev = torch.device("cuda", local) if use_cuda else torch.device("cpu")
    if use_cuda:
        torch.cuda.set_device(dev)
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend=backend or ("nccl" if use_cuda else "gloo"))
    return Context(rank, world, local, dev)


def teardown() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def all_reduce_sum(value: torch.Tensor) -> torch.Tensor:
    """In place on ``value``; CPU tensors travel through the GPU when the backend is NCCL."""
    if dist.is_available() and dist.is_initialized():
        if dist.get_backend() == "nccl" and value.device.type != "cuda":
            on_device = value.cuda()
            dist.all_reduce(on_device)
            value.copy_(on_device.cpu())
        else:
            dist.all_reduce(value)
    return value


def encoder_layers(mlm: torch.nn.Module) -> torch.nn.ModuleList:
    """The stack of encoder blocks: the ModuleList holding the most parameters (ModernBERT's model.layers, BERT's
    bert.encoder.layer, RoBERTa's roberta.encoder.layer, DistilBERT's distilbert.transformer.layer, …)."""
    lists = [m for m in mlm.modules() if isinstance(m, torch.nn.ModuleList) and len(m) > 0]
    if not lists:
        raise ValueError(f"--fsdp: {type(mlm).__name__} has no list of encoder layers to shard")
    return max(lists, key=lambda m: sum(p.numel() for p in m.parameters()))


def wrap(module: torch.nn.Module, ctx: Context, fsdp: bool) -> torch.nn.Module:
    """DDP, or FSDP2 (fully_shard per encoder layer, then the root that holds the tied embedding and decoder).
    ``module`` is a ScoredLogits: DDP and FSDP see its forward. Its generic path (a full MLM forward) may leave
    parameters out of the graph (a pooler, say), so DDP then looks for unused parameters; the sparse paths use all."""
    if not ctx.distributed and not fsdp:
        return module
    if fsdp:
        from torch.distributed.fsdp import fully_shard

        for layer in encoder_layers(module.mlm):
            fully_shard(layer)
        fully_shard(module)
        return module
    ids = [ctx.device.index] if ctx.device.type == "cuda" else None
    find_unused = not getattr(module, "sparse", True)
    return torch.nn.parallel.DistributedDataParallel(module, device_ids=ids, find_unused_parameters=find_unused)


def inner(module: torch.nn.Module) -> torch.nn.Module:
    return module.module if isinstance(module, torch.nn.parallel.DistributedDataParallel) else module


def _strip(state: dict, prefix: str = "mlm.") -> dict:
    return {k[len(prefix):] if k.startswith(prefix) else k: v for k, v in state.items()}


def full_model_state(module: torch.nn.Module, fsdp: bool) -> dict:
    """HF-named full state dict (CPU) of the wrapped ScoredLogits. Collective under FSDP: call on every rank."""
    if fsdp:
        from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

        state = get_model_state_dict(module, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    else:
        state = {k: v.detach().cpu() for k, v in inner(module).state_dict().items()}
    return _strip(state)


def full_optimizer_state(module, optimizer, fsdp: bool) -> dict:
    if fsdp:
        from torch.distributed.checkpoint.state_dict import StateDictOptions, get_optimizer_state_dict

        return get_optimizer_state_dict(module, optimizer, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    return optimizer.state_dict()


def load_full_state(module, optimizer, model_state: dict, optimizer_state: dict | None, fsdp: bool) -> None:
    prefixed = {"mlm." + k: v for k, v in model_state.items()}
    if fsdp:
        from torch.distributed.checkpoint.state_dict import StateDictOptions, set_model_state_dict, set_optimizer_state_dict

        options = StateDictOptions(full_state_dict=True)
        set_model_state_dict(module, prefixed, options=options)
        if optimizer_state is not None:
            set_optimizer_state_dict(module, optimizer, optimizer_state, options=options)
        return
    missing, unexpected = inner(module).load_state_dict(prefixed, strict=False)
    # The tied decoder weight is stored once (as the embedding); anything else missing is a real mismatch.
    real_missing = [k for k in missing if not k.endswith("decoder.weight")]
    if real_missing or unexpected:
        raise ValueError(f"train state does not fit the model: missing {real_missing}, unexpected {unexpected}")
    if optimizer_state is not None:
        optimizer.load_state_dict(optimizer_state)


def parameter_digest(state: dict) -> str:
    """sha256 over the parameters in name order (float32 bytes), to compare ranks and checkpoints."""
    h = hashlib.sha256()
    for name in sorted(state):
        if name.endswith("decoder.weight"):
            continue
        h.update(name.encode())
        h.update(state[name].detach().float().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def gather_objects(value) -> list:
    if dist.is_available() and dist.is_initialized():
        out = [None] * dist.get_world_size()
        dist.all_gather_object(out, value)
        return out
    return [value]
