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
    env.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network (hub ids resolve from the local cache)
    return env


# ---- tiny AutoModelForMaskedLM folders (random weights, tokenizers trained here) for fine-tuning tests ----------
TINY_ENCODER = dict(hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=2)
ROBERTA_TOKENIZER_CONFIG = {
    "bos_token": "<s>", "cls_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "pad_token": "<pad>",
    "unk_token": "<unk>", "model_max_length": 64, "tokenizer_class": "RobertaTokenizer",
    "mask_token": {"__type": "AddedToken", "content": "<mask>", "lstrip": True, "normalized": False, "rstrip": False,
                   "single_word": False, "special": True},
}


def make_wordpiece_tokenizer(path: Path, specials=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), vocab_size: int = 150) -> Path:
    """BERT's tokenizer.json layout: lowercasing BertNormalizer, BertPreTokenizer, WordPiece with ## continuations."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.WordPiece(unk_token=specials[1]))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    tok.train_from_iterator([TEXT] * 4, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=list(specials)))
    cls, sep = specials[2], specials[3]
    tok.post_processor = processors.TemplateProcessing(single=f"{cls} $A {sep}", special_tokens=[
        (cls, tok.token_to_id(cls)), (sep, tok.token_to_id(sep))])
    tok.save(str(path))
    return path


def make_roberta_tokenizer(path: Path, vocab_size: int = 300) -> Path:
    """RoBERTa's layout: byte-level BPE with <s>=0 <pad>=1 </s>=2 <unk>=3, and <mask> added last (the highest id)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator([TEXT] * 4, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
                                                            initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, normalized=False)])
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    tok.save(str(path))
    return path


def make_mlm_folder(folder: Path, kind: str, seed: int = 0) -> Path:
    """A tiny random `bert`, `roberta` or `distilbert` masked LM saved by transformers, with its tokenizer.json
    (config.json names no mask id, as these architectures' configs never do)."""
    import torch
    from transformers import (BertConfig, BertForMaskedLM, DistilBertConfig, DistilBertForMaskedLM, RobertaConfig,
                              RobertaForMaskedLM)

    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    if kind == "roberta":
        size = tokenizer_size(make_roberta_tokenizer(folder / "tokenizer.json"))
        (folder / "tokenizer_config.json").write_text(json.dumps(ROBERTA_TOKENIZER_CONFIG))
        model = RobertaForMaskedLM(RobertaConfig(vocab_size=size, max_position_embeddings=66, pad_token_id=1,
                                                 bos_token_id=0, eos_token_id=2, **TINY_ENCODER))
    else:
        size = tokenizer_size(make_wordpiece_tokenizer(folder / "tokenizer.json"))
        if kind == "bert":
            model = BertForMaskedLM(BertConfig(vocab_size=size, max_position_embeddings=64, **TINY_ENCODER))
        elif kind == "distilbert":
            model = DistilBertForMaskedLM(DistilBertConfig(vocab_size=size, max_position_embeddings=64, dim=32,
                                                           hidden_dim=48, n_layers=2, n_heads=2))
        else:
            raise ValueError(kind)
    model.save_pretrained(folder)
    assert "mask_token_id" not in json.loads((folder / "config.json").read_text())
    return folder


def tokenizer_size(path: Path) -> int:
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(path)).get_vocab_size(with_added_tokens=True)
