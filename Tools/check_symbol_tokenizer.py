#!/usr/bin/env python3
# Checks that HF tokenizers loads the tokenizer.json files FlowTrain writes for its synthetic tasks
# (Fixtures/train/tokenizers/<task>.json, written by SymbolVocabulary.writeTokenizer; regenerate them
# with `FLOWLM_UPDATE_FIXTURES=1 swift test --filter SymbolVocabularyTests`), and records HF's ids for
# sample texts in Fixtures/train/tokenizers/encodings.json, which Tests/FlowTrainTests/SymbolVocabularyTests
# compares with the Swift encoder.
#
# Pinned peer (see Tools/requirements.txt): tokenizers==0.23.3, transformers==5.24.0
# Run: python3 Tools/check_symbol_tokenizer.py   (exits non-zero if a file does not load or a check fails)
import json
import os
import sys

from tokenizers import Tokenizer
from transformers import PreTrainedTokenizerFast

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(ROOT, "Fixtures", "train", "tokenizers")

SAMPLES = {
    "palindrome": ["abcba", "hgffgh", "a", "", "abz", "ab ba", "a[MASK]a", "aé"],
    "dyck": ["([])", "[()]()", "((", "", "[MASK]", "[[MASK]]", "(x)", "( )"],
    "addition": ["12+34=46", "0+0=0", "999+1=1000", "", "1 + 2", "7-3=4", "[CLS]5[SEP]", "12+[MASK][MASK]"],
}
SYMBOLS = {"palindrome": "abcdefgh", "dyck": "()[]", "addition": "0123456789+="}


def main():
    out = {}
    failures = 0
    for task, texts in SAMPLES.items():
        path = os.path.join(DIR, f"{task}.json")
        tok = Tokenizer.from_file(path)
        fast = PreTrainedTokenizerFast(tokenizer_file=path)
        expected_vocab = 5 + len(SYMBOLS[task])
        if tok.get_vocab_size() != expected_vocab:
            print(f"{task}: vocab size {tok.get_vocab_size()} != {expected_vocab}")
            failures += 1
        for i, s in enumerate(SYMBOLS[task]):
            if tok.token_to_id(s) != 5 + i:
                print(f"{task}: symbol {s!r} has id {tok.token_to_id(s)}")
                failures += 1
        records = []
        for text in texts:
            ids = tok.encode(text).ids
            if fast(text)["input_ids"] != ids:
                print(f"{task}: transformers and tokenizers disagree on {text!r}")
                failures += 1
            decoded = tok.decode(ids, skip_special_tokens=True)
            records.append({"text": text, "ids": ids, "decoded": decoded})
            # Symbols-only texts must round-trip and map one symbol to one id, framed by [CLS] ... [SEP].
            if text and all(c in SYMBOLS[task] for c in text):
                if ids != [2] + [5 + SYMBOLS[task].index(c) for c in text] + [3] or decoded != text:
                    print(f"{task}: {text!r} -> {ids} / {decoded!r}")
                    failures += 1
        out[task] = records
    with open(os.path.join(DIR, "encodings.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("ok" if failures == 0 else f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
