"""Where training examples come from, with a position that a checkpoint saves for an exact resume.

* ``ShuffledExamples``: an in-memory example set visited in a fresh seeded permutation each epoch (ShuffledExamples
  in ExampleSources.swift; the permutation comes from torch, not FlowRandom). Every rank walks the same global
  order and keeps its own slice of each global batch, so the position is the same on all ranks and a run can
  resume on a different number of processes.
* ``StreamingText``: a corpus larger than memory. Files are cut into chunks of about ``chunk_bytes`` ending at a
  line boundary; chunk c is validation when ValidationSplit says so for index c (the rule FlowTrain applies to
  windows, applied to chunks so that it does not depend on the number of ranks), and training chunk j belongs to
  rank j mod world_size. Each rank joins its chunks into one token stream ([SEP] between files) and cuts it into
  windows exactly as TextWindows does. Resume replays the rank's stream and drops what was consumed.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import torch
from torch.utils.data import IterableDataset

from .data import DataError, Example, TextTokenizer, ValidationSplit, decode_utf8, text_files, window


def seed_for(seed: int, *stream) -> int:
    """A torch seed for one named random stream, e.g. ("train", step, micro_batch, rank): corruption needs no saved
    generator state, so a resumed run (and every rank) draws exactly what an uninterrupted run would."""
    digest = hashlib.sha256(":".join(map(str, (seed, *stream))).encode()).digest()
    return int.from_bytes(digest[:8], "little") & ((1 << 63) - 1)


class ShuffledExamples:
    def __init__(self, examples: list[Example], seed: int, rank: int = 0, world_size: int = 1):
        if not examples:
            raise DataError("training data", "no training examples")
        self.examples, self.seed, self.rank, self.world_size = examples, seed, rank, world_size
        self.epoch, self.offset, self.produced = 0, 0, 0
        self.order = self.permutation(self.epoch)

    def permutation(self, epoch: int) -> list[int]:
        g = torch.Generator().manual_seed(seed_for(self.seed, "permutation", epoch))
        return torch.randperm(len(self.examples), generator=g).tolist()

    def _next_global(self) -> Example:
        if self.offset == len(self.examples):
            self.epoch, self.offset = self.epoch + 1, 0
            self.order = self.permutation(self.epoch)
        example = self.examples[self.order[self.offset]]
        self.offset += 1
        self.produced += 1
        return example

    def take(self, per_rank: int) -> list[Example]:
        """This rank's ``per_rank`` examples of the next global batch of ``per_rank · world_size``."""
        batch = [self._next_global() for _ in range(per_rank * self.world_size)]
        return batch[self.rank * per_rank:(self.rank + 1) * per_rank]

    @property
    def position(self) -> dict:
        return {"kind": "shuffled", "epoch": self.epoch, "offset": self.offset, "produced": self.produced}

    def restore(self, position: dict) -> None:
        if position.get("kind") != "shuffled" or not (0 <= position["offset"] <= len(self.examples)):
            raise DataError("torch_train_state.json", f"data position {position} does not fit {len(self.examples)} examples")
        self.epoch, self.offset, self.produced = position["epoch"], position["offset"], position["produced"]
        self.order = self.permutation(self.epoch)


def file_chunks(path: Path, chunk_bytes: int) -> Iterator[tuple[int, int]]:
    """(start, end) byte ranges of about ``chunk_bytes`` that end just after a newline (or at the end of file)."""
    size = path.stat().st_size
    start = 0
    with path.open("rb") as f:
        while start < size:
            f.seek(min(start + chunk_bytes, size))
            f.readline()
            end = min(f.tell(), size)
            yield start, end
            start = end


class StreamingText(IterableDataset):
    def __init__(self, root: str | os.PathLike, tokenizer: TextTokenizer, length: int, rank: int = 0,
                 world_size: int = 1, chunk_bytes: int = 1 << 20, split: ValidationSplit = ValidationSplit(),
                 validation: bool = False):
        if length < 3:
            raise DataError(root, f"window length {length} is below 3")
        self.files = text_files(Path(root))
        self.tokenizer, self.length, self.rank, self.world_size = tokenizer, length, rank, world_size
        self.chunk_bytes, self.split, self.validation = chunk_bytes, split, validation

    def chunks(self) -> Iterator[tuple[Path, int, int, bool]]:
        """This rank's (file, start, end, first chunk of its file) in corpus order."""
        index, train_index = 0, 0
        for file in self.files:
            first = True
            for start, end in file_chunks(file, self.chunk_bytes):
                is_validation = self.split.is_validation(index, None)
                index += 1
                if is_validation == self.validation:
                    mine = self.validation or train_index % self.world_size == self.rank
                    if mine:
                        yield file, start, end, first
                        first = False
                if not is_validation:
                    train_index += 1

    def __iter__(self) -> Iterator[Example]:
        specials = self.tokenizer.specials
        content = self.length - 2
        stream: list[int] = []
        for file, start, end, first in self.chunks():
            with file.open("rb") as f:
                f.seek(start)
                data = f.read(end - start)
            text = decode_utf8(data, file, base_offset=start, count_lines=start == 0)
            ids = self.tokenizer.encode(text)
            if first and ids and stream:
                stream.append(specials.sep)
            stream.extend(ids)
            while len(stream) >= content:
                yield window(stream[:content], specials, self.length)
                del stream[:content]
        if stream:
            yield window(stream, specials, self.length)


class StreamingSource:
    """Endless epochs over a ``StreamingText`` for one rank; position = examples this rank consumed."""

    def __init__(self, dataset: StreamingText):
        self.dataset = dataset
        self.epoch, self.produced = 0, 0
        self.iterator = iter(dataset)
        self.in_epoch = 0

    def _next(self) -> Example:
        for _ in range(2):
            try:
                example = next(self.iterator)
                self.produced += 1
                self.in_epoch += 1
                return example
            except StopIteration:
                if self.in_epoch == 0:
                    break
                self.epoch, self.in_epoch = self.epoch + 1, 0
                self.iterator = iter(self.dataset)
        raise DataError(self.dataset.files[0], f"rank {self.dataset.rank} has no training windows")

    def take(self, per_rank: int) -> list[Example]:
        return [self._next() for _ in range(per_rank)]

    @property
    def position(self) -> dict:
        return {"kind": "streaming", "epoch": self.epoch, "offset": self.in_epoch, "produced": self.produced}

    def restore(self, position: dict) -> None:
        if position.get("kind") != "streaming":
            raise DataError("torch_train_state.json", f"data position {position} is not a streaming position")
        self.epoch, self.in_epoch, self.produced = position["epoch"], 0, position["produced"] - position["offset"]
        self.iterator = iter(self.dataset)
        for _ in range(position["offset"]):
            self._next()
