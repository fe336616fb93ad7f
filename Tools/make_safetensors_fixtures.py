#!/usr/bin/env python3
"""Writes safetensors files with the reference implementation (HF safetensors + torch) for FlowCore's tests.

Pinned: torch==2.13.0+cpu, safetensors==0.8.0 (see Tools/requirements.txt).
Output: Fixtures/safetensors/{mixed.safetensors, expected.json}.
"""
import json, pathlib
import torch
from safetensors.torch import save_file

out = pathlib.Path(__file__).resolve().parent.parent / "Fixtures" / "safetensors"
out.mkdir(parents=True, exist_ok=True)
g = torch.Generator().manual_seed(7)
values = torch.randn(3, 5, generator=g) * 3
special = torch.tensor([0.0, -0.0, 1e-8, 65504.0, 70000.0, -3.14159, 1.0 / 3.0, 6e-5], dtype=torch.float32)
tensors = {
    "a.f32": values.clone(),
    "b.f16": values.to(torch.float16),
    "c.bf16": values.to(torch.bfloat16),
    "d.i64": torch.arange(-3, 9, dtype=torch.int64).reshape(4, 3),
    "e.i32": torch.tensor([7, -1, 2**31 - 1], dtype=torch.int32),
    "f.special_f16": special.to(torch.float16),
    "g.special_bf16": special.to(torch.bfloat16),
    "h.empty": torch.zeros(0, 4),
}
save_file(tensors, out / "mixed.safetensors", metadata={"format": "pt", "note": "fixture"})
def finite_or_name(x):
    # JSON has no infinity; the test maps these names back.
    return x if x == x and abs(x) != float("inf") else ("nan" if x != x else ("inf" if x > 0 else "-inf"))

expected = {name: {"shape": list(t.shape),
                   "values": [finite_or_name(x) for x in t.float().flatten().tolist()] if t.is_floating_point() else t.flatten().tolist()}
            for name, t in tensors.items()}
# What torch's own float32 -> f16/bf16 rounding gives, to check FlowLM's writer rounds identically.
expected["rounding"] = {"source": special.tolist() + values.flatten().tolist(),
                        "f16": (torch.cat([special, values.flatten()]).to(torch.float16).view(torch.int16).to(torch.int32) & 0xFFFF).tolist(),
                        "bf16": (torch.cat([special, values.flatten()]).to(torch.bfloat16).view(torch.int16).to(torch.int32) & 0xFFFF).tolist()}
(out / "expected.json").write_text(json.dumps(expected, indent=1, allow_nan=False))
print("wrote", out)
