"""Data: windows, the validation split, bad input named by file and line, JSONL pairs, streaming shards."""
from __future__ import annotations

import json

import pytest

from flowlm_train.data import (DataError, PromptResponseData, TextWindows, ValidationSplit, collate, load_documents)
from flowlm_train.sources import ShuffledExamples, StreamingSource, StreamingText


def test_validation_split_rule():
    split = ValidationSplit(20)
    train, val = split.split(list(range(45)))
    assert val == [19, 39] and len(train) == 43
    assert split.split(list(range(5))) == ([0, 1, 2, 3], [4])  # fewer than 20: the last one
    assert split.split([0]) == ([0], [])


def test_windows_join_documents_with_sep_and_keep_the_tail_short(workspace, tokenizer):
    docs = load_documents(workspace / "corpus")
    assert [p.name for p, _ in docs] == ["part0.txt", "part1.txt", "part2.txt"]
    length, s = 24, tokenizer.specials
    every = TextWindows.build(docs, tokenizer, length, ValidationSplit(10**6))  # fewer windows than the period
    assert len(every.validation) == 1  # … so only the last window is held out
    windows = every.train + every.validation
    stream = []
    for k, (_, text) in enumerate(docs):
        stream += ([s.sep] if k else []) + tokenizer.encode(text)
    assert every.token_count == len(stream)
    assert all(len(e.ids) == length for e in windows[:-1]) and len(windows[-1].ids) <= length
    assert all(e.ids[0] == s.cls and e.ids[-1] == s.sep for e in windows)
    content = [t for e in windows for t in e.ids[1:-1]]
    assert content == stream
    assert all(not e.editable[i] for e in windows for i, t in enumerate(e.ids) if t in s.reserved)
    assert all(e.editable[i] for e in windows for i, t in enumerate(e.ids) if t not in s.reserved)
    split = TextWindows.build(docs, tokenizer, length, ValidationSplit(4))
    assert [e.ids for e in split.validation] == [e.ids for i, e in enumerate(windows) if i % 4 == 3]


def test_bad_utf8_and_empty_corpus_are_named(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine line\nsecond \xff line\n")
    with pytest.raises(DataError, match=r"bad.txt:2 \(byte 17\): not valid UTF-8 \(byte 0xff\)"):
        load_documents(bad)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\t\n")
    with pytest.raises(DataError, match="corpus is empty"):
        load_documents(empty)
    (tmp_path / "folder").mkdir()
    with pytest.raises(DataError, match="folder holds no .txt files"):
        load_documents(tmp_path / "folder")
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbfhello")
    assert load_documents(bom)[0][1] == "hello"


def test_prompt_response_pairs(tmp_path, tokenizer):
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join([json.dumps({"prompt": "To be", "response": "or not to be"}), "",
                               json.dumps({"prompt": "x", "response": "y" * 400, "extra": 1}),
                               json.dumps({"prompt": "The heart", "response": "ache"})]) + "\r\n")
    data = PromptResponseData.load(path, tokenizer, 32)
    assert data.pair_count == 3 and data.skipped_too_long == 1
    example = data.train[0]
    s = tokenizer.specials
    p = tokenizer.encode("To be")
    assert example.ids[:len(p) + 2] == [s.cls, *p, s.sep] and not any(example.editable[:len(p) + 2])
    assert example.ids[-1] == s.sep and not example.editable[-1] and all(example.editable[len(p) + 2:-1])
    assert len(data.validation) == 1  # two examples: the last is held out
    path.write_text('{"prompt": "a"}\n')
    with pytest.raises(DataError, match=r'pairs.jsonl:1: missing field "response"'):
        PromptResponseData.load(path, tokenizer, 32)
    path.write_text('{"prompt": "a", "response": "b"}\nnot json\n')
    with pytest.raises(DataError, match=r"pairs.jsonl:2: invalid JSON"):
        PromptResponseData.load(path, tokenizer, 32)


def test_collate_pads_right_and_attends_the_example_length(tokenizer):
    from flowlm_train.data import Example

    ids, editable, attention = collate([Example([2, 7, 3], [False, True, False])], 5, tokenizer.specials.pad)
    assert ids.tolist() == [[2, 7, 3, 0, 0]] and attention.tolist() == [[1, 1, 1, 0, 0]]
    assert editable.tolist() == [[False, True, False, False, False]]


def test_streaming_one_chunk_equals_the_in_memory_windows(workspace, tokenizer):
    docs = load_documents(workspace / "corpus")
    in_memory = TextWindows.build(docs, tokenizer, 24, ValidationSplit(10**6))
    streamed = list(StreamingText(workspace / "corpus", tokenizer, 24, chunk_bytes=1 << 30, split=ValidationSplit(10**6)))
    # Fewer windows than the period: the in-memory split holds out the last one; streaming applies the rule to chunks.
    assert [e.ids for e in streamed] == [e.ids for e in in_memory.train + in_memory.validation]


def test_streaming_shards_chunks_by_rank_and_holds_validation_out(workspace, tokenizer):
    split = ValidationSplit(3)
    def chunks(rank, world, validation=False):
        return list(StreamingText(workspace / "corpus", tokenizer, 24, rank, world, chunk_bytes=200, split=split,
                                  validation=validation).chunks())
    everything = [(f, s, e) for f, s, e, _ in chunks(0, 1)] + [(f, s, e) for f, s, e, _ in chunks(0, 1, True)]
    ranks = [[(f, s, e) for f, s, e, _ in chunks(r, 2)] for r in range(2)]
    val = [(f, s, e) for f, s, e, _ in chunks(0, 2, True)]
    assert not set(ranks[0]) & set(ranks[1]) and not (set(ranks[0]) | set(ranks[1])) & set(val)
    assert sorted(ranks[0] + ranks[1] + val) == sorted(everything) and len(val) >= 2
    for f, s, e in everything:  # chunks end at a newline
        assert f.read_bytes()[e - 1:e] == b"\n"


def test_streaming_and_shuffled_sources_resume_where_they_stopped(workspace, tokenizer):
    source = StreamingSource(StreamingText(workspace / "corpus", tokenizer, 24, chunk_bytes=300))
    first = source.take(7)
    position = source.position
    after = source.take(30)
    resumed = StreamingSource(StreamingText(workspace / "corpus", tokenizer, 24, chunk_bytes=300))
    resumed.restore(position)
    assert [e.ids for e in resumed.take(30)] == [e.ids for e in after] and len(first) == 7
    docs = load_documents(workspace / "corpus")
    examples = TextWindows.build(docs, tokenizer, 24).train
    a = ShuffledExamples(examples, seed=3)
    a.take(len(examples) - 2)
    saved = a.position
    tail = a.take(10)  # crosses an epoch
    b = ShuffledExamples(examples, seed=3)
    b.restore(saved)
    assert [e.ids for e in b.take(10)] == [e.ids for e in tail]
    ranks = [ShuffledExamples(examples, seed=3, rank=r, world_size=2).take(4) for r in range(2)]
    whole = ShuffledExamples(examples, seed=3).take(8)
    assert [e.ids for e in ranks[0] + ranks[1]] == [e.ids for e in whole]
