"""Training data in memory: plain UTF-8 text (a file or a folder of .txt files) and JSONL prompt/response pairs.

Mirrors Sources/FlowTrain/Data: TextCorpus (strict UTF-8, BOM dropped, blank documents dropped, folder files
sorted by their UTF-8 path bytes), TextWindows (documents joined with [SEP], windows `[CLS] t₁…t_{L−2} [SEP]`,
a short last window), PromptResponseData (`[CLS] prompt [SEP] response [SEP]`, only the response editable, too long
pairs skipped and counted) and ValidationSplit (every 20th example, or the last one when there are fewer than 20).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import torch
from tokenizers import Tokenizer

from .objectives import SpecialIds
from .specials import NAMING_FILES, resolve_special_ids


class DataError(ValueError):
    """A data problem naming the file, and when known its line and byte offset (DataError.swift)."""

    def __init__(self, path: str | os.PathLike, problem: str, line: int | None = None, byte_offset: int | None = None):
        where = str(path)
        if line is not None:
            where += f":{line}"
        if byte_offset is not None:
            where += f" (byte {byte_offset})"
        super().__init__(f"{where}: {problem}")


@dataclass
class Example:
    """One sequence before corruption: ids with [CLS]/[SEP] in place, and which positions are editable."""

    ids: list[int]
    editable: list[bool]


@dataclass
class ValidationSplit:
    period: int = 20

    def __post_init__(self):
        self.period = max(2, self.period)

    def is_validation(self, index: int, count: int | None) -> bool:
        """``count`` None (a stream of unknown length) applies the periodic rule only."""
        if count is not None and count < self.period:
            return count >= 2 and index == count - 1
        return index % self.period == self.period - 1

    def split(self, items: list) -> tuple[list, list]:
        train, validation = [], []
        for i, item in enumerate(items):
            (validation if self.is_validation(i, len(items)) else train).append(item)
        return train, validation


class TextTokenizer:
    """A tokenizer.json (HF tokenizers: byte-level BPE, WordPiece, Unigram…) with the model's reserved ids resolved
    as transformers resolves them (specials.py): config.json's ids, else the tokens tokenizer_config.json or
    special_tokens_map.json name (read from ``naming_dir``, by default the tokenizer's own folder), else the
    conventional names ([MASK] or <mask>, …); cls/sep last fall back to config.json's bos/eos ids."""

    def __init__(self, path: str | os.PathLike, config_ids: dict | None = None, naming_dir: str | os.PathLike | None = None,
                 config_path: str | os.PathLike | None = None):
        self.path = Path(path)
        try:
            self.tokenizer = Tokenizer.from_file(str(self.path))
        except Exception as error:  # tokenizers raises a bare Exception
            raise DataError(self.path, f"not a readable tokenizer.json: {error}") from None
        self.naming_dir = Path(naming_dir) if naming_dir is not None else self.path.parent
        self.specials = resolve_special_ids(self.tokenizer, self.naming_dir, config_ids, config_path, self.path.name)
        self.size = self.tokenizer.get_vocab_size(with_added_tokens=True)

    @property
    def naming_files(self) -> list[Path]:
        """The tokenizer_config.json / special_tokens_map.json that named tokens (copied into checkpoints)."""
        return [self.naming_dir / name for name in NAMING_FILES if (self.naming_dir / name).is_file()]

    def encode(self, text: str) -> list[int]:
        """Ids without special tokens: [CLS]/[SEP] are added by the data pipeline."""
        return self.tokenizer.encode(text, add_special_tokens=False).ids

    def encode_many(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(texts, add_special_tokens=False)]

    def excluded_ids(self, vocab_size: int) -> list[int]:
        """Ids never drawn as substitutes beyond the reserved five: other special added tokens, and model rows the
        tokenizer never produces (ModernBERT pads its vocabulary to a multiple of 64)."""
        added = []
        for token_id, token in self.tokenizer.get_added_tokens_decoder().items():
            if token.special and token_id not in self.specials.reserved:
                added.append(token_id)
        return sorted(set(added) | set(range(self.size, vocab_size)))


def decode_utf8(data: bytes, path: str | os.PathLike, base_offset: int = 0, count_lines: bool = True) -> str:
    """Strict UTF-8; a leading BOM is dropped. The error names the first bad byte (offset and 1-based line)."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") and base_offset == 0 else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = start + error.start
        line = data.count(b"\n", 0, offset) + 1 if count_lines else None
        raise DataError(path, f"not valid UTF-8 (byte 0x{data[offset]:x})", line=line,
                        byte_offset=base_offset + offset) from None


def text_files(root: Path) -> list[Path]:
    """A file, or every .txt file under a folder (recursively) sorted by the UTF-8 bytes of its path."""
    if not root.exists():
        raise DataError(root, "no such file or folder")
    if not root.is_dir():
        return [root]
    files = [Path(d) / f for d, _, names in os.walk(root) for f in names if f.endswith(".txt")]
    files = sorted((f for f in files if f.is_file()), key=lambda p: str(p).encode("utf-8", "surrogateescape"))
    if not files:
        raise DataError(root, "folder holds no .txt files")
    return files


def load_documents(root: str | os.PathLike) -> list[tuple[Path, str]]:
    documents = []
    for file in text_files(Path(root)):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise DataError(file, f"cannot read: {error.strerror}") from None
        text = decode_utf8(data, file)
        if text.strip():
            documents.append((file, text))
    if not documents:
        raise DataError(root, "corpus is empty (no text besides whitespace)")
    return documents


def window(piece: list[int], specials: SpecialIds, length: int) -> Example:
    """`[CLS] piece [SEP]`, content tokens editable unless reserved; a short last window stays short (collate pads)."""
    reserved = set(specials.reserved)
    ids = [specials.cls, *piece, specials.sep]
    editable = [False, *(t not in reserved for t in piece), False]
    return Example(ids, editable)


@dataclass
class TextWindows:
    train: list[Example]
    validation: list[Example]
    token_count: int

    @classmethod
    def build(cls, documents: list[tuple[Path, str]], tokenizer: TextTokenizer, length: int,
              split: ValidationSplit = ValidationSplit()) -> "TextWindows":
        if length < 3:
            raise DataError(documents[0][0] if documents else "corpus", f"window length {length} is below 3")
        specials = tokenizer.specials
        stream: list[int] = []
        for k, (path, text) in enumerate(documents):
            ids = tokenizer.encode(text)
            if k > 0 and ids and stream:
                stream.append(specials.sep)
            stream.extend(ids)
        if not stream:
            raise DataError(documents[0][0], "corpus gives no tokens")
        content = length - 2
        windows = [window(stream[s:s + content], specials, length) for s in range(0, len(stream), content)]
        train, validation = split.split(windows)
        return cls(train, validation, len(stream))


@dataclass
class PromptResponseData:
    train: list[Example]
    validation: list[Example]
    pair_count: int
    skipped_too_long: int = 0

    @classmethod
    def load(cls, path: str | os.PathLike, tokenizer: TextTokenizer, maximum_length: int,
             split: ValidationSplit = ValidationSplit()) -> "PromptResponseData":
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DataError(path, f"cannot read: {error.strerror}") from None
        text = decode_utf8(data, path)
        s = tokenizer.specials
        reserved = set(s.reserved)
        examples, pairs, too_long = [], 0, 0
        for number, raw in enumerate(text.split("\n"), start=1):
            body = raw[:-1] if raw.endswith("\r") else raw
            if not body.strip(" \t"):
                continue
            prompt, response = cls.parse_pair(body, path, number)
            pairs += 1
            p, r = tokenizer.encode(prompt), tokenizer.encode(response)
            if len(p) + len(r) + 3 > maximum_length:
                too_long += 1
                continue
            ids = [s.cls, *p, s.sep, *r, s.sep]
            editable = [False] * (len(p) + 2) + [t not in reserved for t in r] + [False]
            examples.append(Example(ids, editable))
        if pairs == 0:
            raise DataError(path, "no prompt/response pairs (the file is empty)")
        if not examples:
            raise DataError(path, f"all {pairs} pairs are longer than the context ({maximum_length} tokens)")
        train, validation = split.split(examples)
        return cls(train, validation, pairs, too_long)

    @staticmethod
    def parse_pair(line: str, path: Path, number: int) -> tuple[str, str]:
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataError(path, f"invalid JSON: {error.msg}", line=number) from None
        if not isinstance(value, dict):
            raise DataError(path, "expected a JSON object", line=number)
        fields = []
        for key in ("prompt", "response"):
            if key not in value:
                raise DataError(path, f'missing field "{key}"', line=number)
            if not isinstance(value[key], str):
                raise DataError(path, f'field "{key}" is not a string', line=number)
            fields.append(value[key])
        return fields[0], fields[1]


def collate(examples: list[Example], length: int, pad: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Right-padded [B, length] ids, editable mask and attention mask (Batch.init: padding at the end of a row)."""
    ids = torch.full((len(examples), length), pad, dtype=torch.long)
    editable = torch.zeros((len(examples), length), dtype=torch.bool)
    attention = torch.zeros((len(examples), length), dtype=torch.long)
    for b, e in enumerate(examples):
        n = len(e.ids)
        ids[b, :n] = torch.tensor(e.ids, dtype=torch.long)
        editable[b, :n] = torch.tensor(e.editable, dtype=torch.bool)
        # As FlowTrain's Batch: a row's length is its example's length; padding beyond it is not attended.
        attention[b, :n] = 1
    return ids, editable, attention
