"""Shared fixtures: a tiny BPE tokenizer trained on a tiny corpus, and a tiny ModernBERT config."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

PYTHON_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = PYTHON_ROOT.parent
sys.path.insert(0, str(PYTHON_ROOT))

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TEXT = """To be, or not to be, that is the question:
Whether 'tis nobler in the mind to suffer
The slings and arrows of outrageous fortune,
Or to take arms against a sea of troubles
And by opposing end them. To die: to sleep;
No more; and by a sleep to say we end
The heart-ache and the thousand natural shocks
That flesh is heir to, 'tis a consummation
Devoutly to be wish'd. To die, to sleep;
To sleep: perchance to dream: ay, there's the rub;
"""

TINY_CONFIG = dict(hidden_size=32, intermediate_size=48, num_hidden_layers=3, num_attention_heads=2, local_attention=4,
                   global_attn_every_n_layers=2, max_position_embeddings=64, embedding_dropout=0.0,
                   attention_dropout=0.0, mlp_dropout=0.0, classifier_dropout=0.0)


def make_tokenizer(path: Path, vocab_size: int = 120) -> Path:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator([TEXT] * 4, trainer)
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tok.save(str(path))
    return path


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("flowlm")
    make_tokenizer(root / "tokenizer.json")
    corpus = root / "corpus"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"part{i}.txt").write_text(TEXT * (2 + i))
    (root / "config.json").write_text(json.dumps({
        **TINY_CONFIG, "vocab_size": 320, "pad_token_id": 0, "cls_token_id": 2, "sep_token_id": 3, "mask_token_id": 4,
        "bos_token_id": 2, "eos_token_id": 3, "model_type": "modernbert"}))
    return root


@pytest.fixture(scope="session")
def tokenizer(workspace):
    from flowlm_train.data import TextTokenizer

    return TextTokenizer(workspace / "tokenizer.json")


def train_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PYTHON_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env
