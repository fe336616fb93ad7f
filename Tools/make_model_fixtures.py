#!/usr/bin/env python3
# Builds small random masked LMs with HF transformers (ModernBertForMaskedLM, and the BERT family:
# BertForMaskedLM, RobertaForMaskedLM, XLMRobertaForMaskedLM, DistilBertForMaskedLM) and writes golden
# outputs for FlowModel's tests into Fixtures/model/<case>/.
#
# Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu, transformers==5.24.0
#
# Each case directory holds:
#   config.json, model.safetensors   the model exactly as save_pretrained writes it (5.x spelling), or
#                                    the config rewritten in the 4.x hub spelling (case "legacy_4x")
#   golden.safetensors               input_ids [B,T] I64, attention_mask [B,T] I64, logits [B,T,V] F32,
#                                    hidden.0 (embeddings output) .. hidden.L (output of layer L-1, before
#                                    the final norm) [B,T,H], final_norm [B,T,H]
# BERT-family cases (names starting bert_, roberta_, xlmr_, distilbert_) hold the same golden keys except
# final_norm (the family has no final norm): hidden.0 is the embeddings' LayerNorm output, hidden.i the
# output of layer i-1.
# Weights are drawn with larger spreads than HF's init (norm weights around 1, non-zero biases) so every
# parameter visibly matters. Run: python3 Tools/make_model_fixtures.py [case ...] (no names: every case).
import json
import os
import shutil
import sys

import torch
from transformers import (BertConfig, BertForMaskedLM, DistilBertConfig, DistilBertForMaskedLM, ModernBertConfig,
                          ModernBertForMaskedLM, RobertaConfig, RobertaForMaskedLM, XLMRobertaConfig,
                          XLMRobertaForMaskedLM)
from safetensors.torch import load_file
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


# --- BERT family -------------------------------------------------------------------------------------------

BERT_FAMILY = {
    # model_type: (config class, model class, attribute holding the encoder)
    "bert": (BertConfig, BertForMaskedLM, "bert"),
    "roberta": (RobertaConfig, RobertaForMaskedLM, "roberta"),
    "xlm-roberta": (XLMRobertaConfig, XLMRobertaForMaskedLM, "roberta"),
    "distilbert": (DistilBertConfig, DistilBertForMaskedLM, "distilbert"),
}


def randomize_bert_family(model, seed, keep_positions=False):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if keep_positions and name.endswith("position_embeddings.weight"):
                continue
            if p.dim() == 1 and "norm" in name.lower() and name.endswith("weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif p.dim() == 1:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith("word_embeddings.weight") or name.endswith("decoder.weight") \
                    or name == "vocab_projector.weight":
                p.copy_(torch.randn(p.shape, generator=g))
            elif "embeddings" in name:
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(torch.randn(p.shape, generator=g) / p.shape[1] ** 0.5)


def write_bert_family_case(name, model_type, config_kwargs, lengths, seed, store_dtype=None, drop=()):
    """One BERT-family case. `drop` lists tensors removed from the saved file (HF then initialises them
    itself, as it does for DistilBERT's sinusoidal position table); the goldens come from the reloaded model."""
    config_class, model_class, base = BERT_FAMILY[model_type]
    out = os.path.join(ROOT, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    torch.manual_seed(seed)
    config = config_class(**config_kwargs)
    model = model_class(config).eval()
    randomize_bert_family(model, seed, keep_positions=bool(config_kwargs.get("sinusoidal_pos_embds")))
    if store_dtype is not None:
        model = model.to(store_dtype)
    model.save_pretrained(out)
    weights = os.path.join(out, "model.safetensors")
    if drop:
        tensors = load_file(weights)
        for key in drop:
            del tensors[key]
        save_file(tensors, weights, metadata={"format": "pt"})

    model = model_class.from_pretrained(out, dtype=torch.float32).eval()
    pad = config.pad_token_id
    ids, mask = make_inputs(config.vocab_size, lengths, pad, seed)
    encoder = getattr(model, base)
    layers = encoder.transformer.layer if model_type == "distilbert" else encoder.encoder.layer
    captured = []
    hooks = [encoder.embeddings.register_forward_hook(lambda _m, _i, o: captured.append(o))]
    hooks += [layer.register_forward_hook(lambda _m, _i, o: captured.append(o[0] if isinstance(o, tuple) else o))
              for layer in layers]
    with torch.no_grad():
        result = model(input_ids=ids, attention_mask=mask)
    for hook in hooks:
        hook.remove()
    assert len(captured) == len(layers) + 1
    golden = {
        "input_ids": ids.contiguous(),
        "attention_mask": mask.contiguous(),
        "logits": result.logits.float().contiguous(),
    }
    for i, h in enumerate(captured):
        golden[f"hidden.{i}"] = h.float().contiguous()
    save_file(golden, os.path.join(out, "golden.safetensors"), metadata={"format": "pt"})
    print(f"{name}: {model_type}, {len(layers)} layers, lengths {lengths}, max |logit| {result.logits.abs().max():.1f}")


def bert_family_cases():
    return {
        # Tied decoder, exact GELU, 3 heads of 12, two token types, odd length.
        "bert_tied": lambda: write_bert_family_case(
            "bert_tied", "bert",
            dict(vocab_size=211, hidden_size=36, num_hidden_layers=3, num_attention_heads=3, intermediate_size=64,
                 hidden_act="gelu", max_position_embeddings=48, type_vocab_size=2, pad_token_id=0),
            lengths=[29], seed=31),
        # Untied decoder (cls.predictions.decoder.{weight,bias} stored; cls.predictions.bias differs and is
        # unused), ReLU, 5 heads of 8, three token types, eps 1e-6, right-padded batch.
        "bert_untied_padded": lambda: write_bert_family_case(
            "bert_untied_padded", "bert",
            dict(vocab_size=150, hidden_size=40, num_hidden_layers=2, num_attention_heads=5, intermediate_size=56,
                 hidden_act="relu", max_position_embeddings=32, type_vocab_size=3, layer_norm_eps=1e-6,
                 pad_token_id=0, tie_word_embeddings=False),
            lengths=[23, 11, 4], seed=32),
        # Weights stored in F16, tanh GELU.
        "bert_f16": lambda: write_bert_family_case(
            "bert_f16", "bert",
            dict(vocab_size=120, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=48,
                 hidden_act="gelu_pytorch_tanh", max_position_embeddings=24, type_vocab_size=2, pad_token_id=0),
            lengths=[17], seed=33, store_dtype=torch.float16),
        # RoBERTa: positions from padding_idx + 1 over a right-padded batch (pad id 1), one token type.
        "roberta_padded": lambda: write_bert_family_case(
            "roberta_padded", "roberta",
            dict(vocab_size=180, hidden_size=36, num_hidden_layers=2, num_attention_heads=3, intermediate_size=60,
                 hidden_act="gelu", max_position_embeddings=36, type_vocab_size=1, pad_token_id=1, bos_token_id=0,
                 eos_token_id=2),
            lengths=[33, 20, 7], seed=34),
        # XLM-RoBERTa with pad id 3 (positions start at 4), gelu_new in the encoder, 5 heads of 9.
        "xlmr_gelu_new": lambda: write_bert_family_case(
            "xlmr_gelu_new", "xlm-roberta",
            dict(vocab_size=250, hidden_size=45, num_hidden_layers=2, num_attention_heads=5, intermediate_size=64,
                 hidden_act="gelu_new", max_position_embeddings=28, type_vocab_size=1, pad_token_id=3,
                 bos_token_id=0, eos_token_id=2),
            lengths=[19], seed=35),
        # DistilBERT with a learned position table, exact GELU, 3 heads of 14, right-padded batch.
        "distilbert_learned": lambda: write_bert_family_case(
            "distilbert_learned", "distilbert",
            dict(vocab_size=190, dim=42, n_layers=2, n_heads=3, hidden_dim=60, activation="gelu",
                 max_position_embeddings=40, pad_token_id=0),
            lengths=[25, 9], seed=36),
        # DistilBERT with sinusoidal positions whose table is left out of the file (HF computes it on load,
        # so must FlowLM), ReLU, 2 heads of 17.
        "distilbert_sinusoidal": lambda: write_bert_family_case(
            "distilbert_sinusoidal", "distilbert",
            dict(vocab_size=130, dim=34, n_layers=2, n_heads=2, hidden_dim=50, activation="relu",
                 max_position_embeddings=32, sinusoidal_pos_embds=True, pad_token_id=0),
            lengths=[21], seed=37, drop=["distilbert.embeddings.position_embeddings.weight"]),
    }


def modernbert_cases():
    common = dict(pad_token_id=0, bos_token_id=1, cls_token_id=1, eos_token_id=2, sep_token_id=2)
    cases = {}
    # 1. No biases except the decoder's (ModernBERT-base style), window shorter than the sequence.
    cases["nobias"] = lambda: write_case("nobias", dict(vocab_size=256, hidden_size=64, intermediate_size=96, num_hidden_layers=3,
                              num_attention_heads=4, local_attention=8, global_attn_every_n_layers=3,
                              global_rope_theta=160000.0, local_rope_theta=10000.0, **common),
               lengths=[40], seed=11)
    # 2. Every bias on, two heads, odd length, window 6 (half-width 3).
    cases["allbias"] = lambda: write_case("allbias", dict(vocab_size=160, hidden_size=32, intermediate_size=48, num_hidden_layers=3,
                               num_attention_heads=2, local_attention=6, global_attn_every_n_layers=2,
                               norm_bias=True, attention_bias=True, mlp_bias=True, classifier_bias=True,
                               decoder_bias=True, global_rope_theta=80000.0, local_rope_theta=500.0, **common),
               lengths=[27], seed=12)
    # 3. The 4.x hub spelling of the config, distinct thetas so swapping them would show, odd length.
    cases["legacy_4x"] = lambda: write_case("legacy_4x", dict(vocab_size=200, hidden_size=48, intermediate_size=64, num_hidden_layers=3,
                                 num_attention_heads=3, local_attention=10, global_attn_every_n_layers=2,
                                 global_rope_theta=50000.0, local_rope_theta=1000.0, norm_eps=1e-6, **common),
               lengths=[23], seed=13, legacy=True)
    # 4. A right-padded batch of three sequences, untied decoder without bias.
    cases["padded_batch"] = lambda: write_case("padded_batch", dict(vocab_size=128, hidden_size=32, intermediate_size=40, num_hidden_layers=2,
                                    num_attention_heads=2, local_attention=8, global_attn_every_n_layers=2,
                                    decoder_bias=False, tie_word_embeddings=False, **common),
               lengths=[31, 17, 5], seed=14)
    # 5/6. Weights stored in BF16 and in F16.
    half = dict(vocab_size=120, hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=2,
                local_attention=4, global_attn_every_n_layers=2, **common)
    cases["bf16"] = lambda: write_case("bf16", half, lengths=[15], seed=15, store_dtype=torch.bfloat16)
    cases["f16"] = lambda: write_case("f16", half, lengths=[15], seed=16, store_dtype=torch.float16)
    return cases


def main():
    cases = {**modernbert_cases(), **bert_family_cases()}
    names = sys.argv[1:] or list(cases)
    unknown = [n for n in names if n not in cases]
    if unknown:
        sys.exit(f"unknown case(s) {unknown}; known: {', '.join(cases)}")
    for n in names:
        cases[n]()

    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(ROOT) for f in fs)
    print(f"total fixture size {total / 1e6:.2f} MB")
    if total > 3_000_000:
        sys.exit("fixtures exceed 3 MB")


if __name__ == "__main__":
    main()
