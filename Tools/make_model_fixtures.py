#!/usr/bin/env python3
# Builds small random ModernBertForMaskedLM models with HF transformers and writes golden outputs
# for FlowModel's tests into Fixtures/model/<case>/.
#
# Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu, transformers==5.24.0
#
# Each case directory holds:
#   config.json, model.safetensors   the model exactly as save_pretrained writes it (5.x spelling), or
#                                    the config rewritten in the 4.x hub spelling (case "legacy_4x")
#   golden.safetensors               input_ids [B,T] I64, attention_mask [B,T] I64, logits [B,T,V] F32,
#                                    hidden.0 (embeddings output) .. hidden.L (output of layer L-1, before
#                                    the final norm) [B,T,H], final_norm [B,T,H]
# Weights are drawn with larger spreads than HF's init (norm weights around 1, non-zero biases) so every
# parameter visibly matters. Run: python3 Tools/make_model_fixtures.py
import json
import os
import shutil
import sys

import torch
from transformers import ModernBertConfig, ModernBertForMaskedLM
from safetensors.torch import save_file

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "model")


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif "tok_embeddings" in name or name == "decoder.weight":
                p.copy_(torch.randn(p.shape, generator=g))
            else:
                fan_in = p.shape[1]
                p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5)


def make_inputs(vocab, lengths, pad_id, seed):
    g = torch.Generator().manual_seed(seed + 1)
    T = max(lengths)
    ids = torch.full((len(lengths), T), pad_id, dtype=torch.long)
    mask = torch.zeros((len(lengths), T), dtype=torch.long)
    for b, n in enumerate(lengths):
        # Avoid the pad id inside real tokens so padding is unambiguous.
        row = torch.randint(0, vocab - 1, (n,), generator=g)
        row[row >= pad_id] += 1
        ids[b, :n] = row
        mask[b, :n] = 1
    return ids, mask


def write_case(name, config_kwargs, lengths, seed, legacy=False, store_dtype=None):
    out = os.path.join(ROOT, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    torch.manual_seed(seed)
    config = ModernBertConfig(**config_kwargs)
    model = ModernBertForMaskedLM(config).eval()
    randomize(model, seed)
    if store_dtype is not None:
        # Round the weights to the stored precision first, so the goldens are what an F32 engine computes
        # from the F16/BF16 file.
        model = model.to(store_dtype)
        model.save_pretrained(out)
        model = model.to(torch.float32)
        model.config.dtype = torch.float32
    else:
        model.save_pretrained(out)

    if legacy:
        path = os.path.join(out, "config.json")
        with open(path) as f:
            cfg = json.load(f)
        layer_types = cfg.pop("layer_types")
        rope = cfg.pop("rope_parameters")
        cfg["global_rope_theta"] = rope["full_attention"]["rope_theta"]
        cfg["local_rope_theta"] = rope["sliding_attention"]["rope_theta"]
        n = cfg["global_attn_every_n_layers"]
        assert all((t == "full_attention") == (i % n == 0) for i, t in enumerate(layer_types))
        cfg["torch_dtype"] = cfg.pop("dtype", "float32")
        cfg["transformers_version"] = "4.48.0"
        with open(path, "w") as f:
            json.dump(cfg, f, indent=2, sort_keys=True)
        # The rewritten config must build the identical model.
        reread = ModernBertConfig.from_pretrained(out)
        assert reread.layer_types == layer_types, (reread.layer_types, layer_types)

    # Goldens come from the model as HF loads it back from disk.
    model = ModernBertForMaskedLM.from_pretrained(out, dtype=torch.float32).eval()
    ids, mask = make_inputs(config.vocab_size, lengths, config.pad_token_id, seed)
    # transformers 5.24 replaces the last entry of hidden_states by the final norm's output, so each
    # layer's raw output is captured with hooks instead; hidden_states[0] is the embeddings output.
    layer_outputs = []
    hooks = [layer.register_forward_hook(lambda _m, _i, out: layer_outputs.append(out[0] if isinstance(out, tuple) else out))
             for layer in model.model.layers]
    with torch.no_grad():
        result = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
        final = model.model(input_ids=ids, attention_mask=mask).last_hidden_state
    for hook in hooks:
        hook.remove()
    layer_outputs = layer_outputs[:config.num_hidden_layers]
    assert len(result.hidden_states) == config.num_hidden_layers + 1
    assert torch.equal(result.hidden_states[-1], final)
    for a, b in zip(result.hidden_states[1:-1], layer_outputs[:-1]):
        assert torch.equal(a, b)
    hidden = [result.hidden_states[0]] + layer_outputs
    golden = {
        "input_ids": ids.contiguous(),
        "attention_mask": mask.contiguous(),
        "logits": result.logits.float().contiguous(),
        "final_norm": final.float().contiguous(),
    }
    for i, h in enumerate(hidden):
        golden[f"hidden.{i}"] = h.float().contiguous()
    save_file(golden, os.path.join(out, "golden.safetensors"), metadata={"format": "pt"})
    print(f"{name}: layers {config.layer_types}, lengths {lengths}, "
          f"max |logit| {result.logits.abs().max():.1f}")


def main():
    common = dict(pad_token_id=0, bos_token_id=1, cls_token_id=1, eos_token_id=2, sep_token_id=2)
    # 1. No biases except the decoder's (ModernBERT-base style), window shorter than the sequence.
    write_case("nobias", dict(vocab_size=256, hidden_size=64, intermediate_size=96, num_hidden_layers=3,
                              num_attention_heads=4, local_attention=8, global_attn_every_n_layers=3,
                              global_rope_theta=160000.0, local_rope_theta=10000.0, **common),
               lengths=[40], seed=11)
    # 2. Every bias on, two heads, odd length, window 6 (half-width 3).
    write_case("allbias", dict(vocab_size=160, hidden_size=32, intermediate_size=48, num_hidden_layers=3,
                               num_attention_heads=2, local_attention=6, global_attn_every_n_layers=2,
                               norm_bias=True, attention_bias=True, mlp_bias=True, classifier_bias=True,
                               decoder_bias=True, global_rope_theta=80000.0, local_rope_theta=500.0, **common),
               lengths=[27], seed=12)
    # 3. The 4.x hub spelling of the config, distinct thetas so swapping them would show, odd length.
    write_case("legacy_4x", dict(vocab_size=200, hidden_size=48, intermediate_size=64, num_hidden_layers=3,
                                 num_attention_heads=3, local_attention=10, global_attn_every_n_layers=2,
                                 global_rope_theta=50000.0, local_rope_theta=1000.0, norm_eps=1e-6, **common),
               lengths=[23], seed=13, legacy=True)
    # 4. A right-padded batch of three sequences, untied decoder without bias.
    write_case("padded_batch", dict(vocab_size=128, hidden_size=32, intermediate_size=40, num_hidden_layers=2,
                                    num_attention_heads=2, local_attention=8, global_attn_every_n_layers=2,
                                    decoder_bias=False, tie_word_embeddings=False, **common),
               lengths=[31, 17, 5], seed=14)
    # 5/6. Weights stored in BF16 and in F16.
    half = dict(vocab_size=120, hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=2,
                local_attention=4, global_attn_every_n_layers=2, **common)
    write_case("bf16", half, lengths=[15], seed=15, store_dtype=torch.bfloat16)
    write_case("f16", half, lengths=[15], seed=16, store_dtype=torch.float16)

    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(ROOT) for f in fs)
    print(f"total fixture size {total / 1e6:.2f} MB")
    if total > 2_000_000:
        sys.exit("fixtures exceed 2 MB")


if __name__ == "__main__":
    main()
