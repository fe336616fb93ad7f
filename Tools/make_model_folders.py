#!/usr/bin/env python3
# Whole model folders as transformers writes them, for the end-to-end tests of "your own model": a tiny random
# BertForMaskedLM with a WordPiece tokenizer, a RobertaForMaskedLM with a byte-level BPE tokenizer and a
# DistilBertForMaskedLM with a WordPiece tokenizer, each saved with `save_pretrained` (model and tokenizer:
# config.json, model.safetensors, tokenizer.json, tokenizer_config.json, and whatever else transformers writes).
# The BERT folder's config.json names no mask id, so the mask token comes from tokenizer_config.json.
# golden.json holds, for each test text, the ids HF's tokenizer gives (with special tokens) and the argmax and
# the logits of the first three vocabulary entries at every position from HF's forward pass.
#
# Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu, transformers==5.24.0, tokenizers==0.23.3
# Run from the repository root: python3 Tools/make_model_folders.py  (writes Fixtures/model-folders/)
import json
import os
import shutil

import tokenizers
import torch
import transformers
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (BertConfig, BertForMaskedLM, DistilBertConfig, DistilBertForMaskedLM, PreTrainedTokenizerFast,
                          RobertaConfig, RobertaForMaskedLM)

assert torch.__version__.startswith("2.13.0"), torch.__version__
assert transformers.__version__ == "5.24.0", transformers.__version__
assert tokenizers.__version__ == "0.23.3", tokenizers.__version__

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Fixtures", "model-folders")
CORPUS = open(os.path.join(ROOT, "Fixtures", "tokenizer", "corpus.txt"), encoding="utf-8").read().splitlines()
TEXTS = ["The quick brown fox jumps over the lazy dog.", "Café naïve résumé, 日本語! [MASK] end", "to be or not"]
SHAPE = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)


def wordpiece_tokenizer(vocab_size):
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok.train_from_iterator(CORPUS, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials))
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]")


def roberta_tokenizer(vocab_size):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tok.train_from_iterator(CORPUS, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials,
                                                        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")))
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                   pad_token="<pad>", cls_token="<s>", sep_token="</s>", mask_token="<mask>")


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name or "layer_norm.weight" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=g))


def write_folder(name, model, tokenizer, seed):
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    randomize(model, seed)
    model.eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    golden = []
    for text in TEXTS:
        ids = tokenizer(text)["input_ids"]
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([ids])).logits[0]
        golden.append(dict(text=text, ids=ids, argmax=logits.argmax(-1).tolist(), logits_head=logits[:, :3].tolist()))
    with open(os.path.join(folder, "golden.json"), "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    torch.manual_seed(0)
    bert_tok = wordpiece_tokenizer(400)
    config = BertConfig(vocab_size=len(bert_tok), pad_token_id=bert_tok.pad_token_id, **SHAPE)
    write_folder("bert", BertForMaskedLM(config), bert_tok, seed=1)

    roberta_tok = roberta_tokenizer(420)
    config = RobertaConfig(vocab_size=len(roberta_tok), pad_token_id=roberta_tok.pad_token_id,
                           bos_token_id=roberta_tok.bos_token_id, eos_token_id=roberta_tok.eos_token_id,
                           **{**SHAPE, "max_position_embeddings": 66})
    write_folder("roberta", RobertaForMaskedLM(config), roberta_tok, seed=2)

    config = DistilBertConfig(vocab_size=len(bert_tok), pad_token_id=bert_tok.pad_token_id, dim=32, n_layers=2, n_heads=2,
                              hidden_dim=64, max_position_embeddings=64)
    write_folder("distilbert", DistilBertForMaskedLM(config), bert_tok, seed=3)


if __name__ == "__main__":
    main()
