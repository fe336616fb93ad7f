"""End-to-end runs: two DDP processes on CPU (gloo) hold identical weights and write a checkpoint HF loads; exact
resume; FSDP agrees with DDP; `--dump-batch` round-trips through the dumped-batch loss."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors import safe_open
from transformers import AutoModelForMaskedLM

from conftest import REPO_ROOT, train_env
from flowlm_train.distributed import parameter_digest
from flowlm_train.dump import main as dump_main

COMMON = ["--length", "32", "--batch", "2", "--accumulation", "2", "--warmup", "2", "--eval-every", "2",
          "--save-every", "2", "--threads", "1", "--lr", "3e-3"]


def train(workspace: Path, out: Path, *extra: str, processes: int = 1, expect: int = 0) -> subprocess.CompletedProcess:
    args = ["--data", str(workspace / "corpus"), "--tokenizer", str(workspace / "tokenizer.json"),
            "--config", str(workspace / "config.json"), "--out", str(out), *COMMON, *extra]
    if processes > 1:
        launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}"]
    else:
        launcher = [sys.executable]
    result = subprocess.run([*launcher, "-m", "flowlm_train.train", *args], env=train_env(), capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == expect, result.stderr[-4000:]
    return result


def saved_digest(out: Path) -> str:
    model = AutoModelForMaskedLM.from_pretrained(out)
    return parameter_digest(model.state_dict())


def log_records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def ddp_run(workspace, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ddp") / "model"
    train(workspace, out, "--steps", "3", "--objective", "flowlm", processes=2)
    return out


def test_two_ddp_ranks_hold_identical_weights_and_the_checkpoint_loads(ddp_run):
    state = json.loads((ddp_run / "torch_train_state.json").read_text())
    digests = state["rank_parameter_digests"]
    assert len(digests) == 2 and digests[0] == digests[1]
    assert state["world_size"] == 2 and state["step"] == 3
    assert saved_digest(ddp_run) == digests[0]  # HF loads exactly the weights both ranks hold
    for name in ("config.json", "model.safetensors", "tokenizer.json", "README.md"):
        assert (ddp_run / name).is_file()
    with safe_open(str(ddp_run / "model.safetensors"), "pt") as weights:  # as flowlm's ModelCheckpoint writes it
        assert weights.metadata() == {"format": "pt", "flowlm_step": "3"}
        assert "decoder.weight" not in weights.keys() and "decoder.bias" in weights.keys()
    model = AutoModelForMaskedLM.from_pretrained(ddp_run).eval()
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([[2, 40, 41, 4, 3]])).logits
    assert logits.shape == (1, 5, model.config.vocab_size) and torch.isfinite(logits).all()
    records = log_records(ddp_run)
    assert [r["step"] for r in records] == [1, 2, 3]
    schema = ["step", "lr", "loss", "loss_masked", "acc_masked", "loss_substituted", "acc_substituted", "loss_kept",
              "acc_kept"]  # FlowTrain's TrainingLogRecord key order (every kind occurs at this batch size)
    tail = ["grad_norm", "tokens_per_s", "tokens_seen", "elapsed_s"]
    assert list(records[0]) == schema + tail
    assert list(records[1]) == schema + ["val_" + k for k in schema[2:]] + tail
    assert records[0]["tokens_seen"] == 2 * 2 * 2 * 32  # ranks × accumulation × batch × length


def test_two_ddp_processes_equal_one_process_accumulating_twice_as_much(workspace, ddp_run, tmp_path):
    """Same examples, same corruption, loss normalised over the whole step: only float summation order differs."""
    single = tmp_path / "single"
    train(workspace, single, "--steps", "3", "--objective", "flowlm", "--grad-accum", "4")
    a = AutoModelForMaskedLM.from_pretrained(ddp_run).state_dict()
    b = AutoModelForMaskedLM.from_pretrained(single).state_dict()
    for name in a:
        assert torch.allclose(a[name], b[name], atol=1e-5), name
    for x, y in zip(log_records(ddp_run), log_records(single)):
        assert x["loss"] == pytest.approx(y["loss"], rel=1e-5) and x["tokens_seen"] == y["tokens_seen"]


def test_flowlm_reads_the_checkpoint_and_gives_hf_logits_when_the_binary_is_built(ddp_run):
    candidates = [os.environ.get("FLOWLM_BIN")] + [str(REPO_ROOT / ".build" / c / "flowlm") for c in ("release", "debug")]
    binary = next((c for c in candidates if c and os.path.isfile(c) and os.access(c, os.X_OK)), None)
    if binary is None:
        pytest.skip("flowlm binary not built (swift build, or set FLOWLM_BIN)")
    info = subprocess.run([binary, "info", str(ddp_run)], capture_output=True, text=True, timeout=120)
    assert info.returncode == 0, info.stderr
    ids = [2, 40, 41, 4, 57, 3]
    forward = subprocess.run([binary, "forward", "--model", str(ddp_run), "--ids", ",".join(map(str, ids)), "--json",
                              "--threads", "1"], capture_output=True, text=True, timeout=120)
    assert forward.returncode == 0, forward.stderr
    flowlm_logits = torch.tensor(json.loads(forward.stdout)["logits"])
    model = AutoModelForMaskedLM.from_pretrained(ddp_run, attn_implementation="eager").eval()
    with torch.no_grad():
        hf_logits = model(input_ids=torch.tensor([ids])).logits[0]
    assert (flowlm_logits - hf_logits).abs().max() < 1e-4


def test_a_run_stopped_and_resumed_equals_an_uninterrupted_run(workspace, tmp_path):
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    train(workspace, whole, "--steps", "4", "--objective", "bert")
    train(workspace, parts, "--steps", "4", "--objective", "bert", "--stop-after", "2")
    assert json.loads((parts / "torch_train_state.json").read_text())["step"] == 2
    train(workspace, parts, "--steps", "4", "--objective", "bert", "--resume")
    assert saved_digest(parts) == saved_digest(whole)
    assert [r["loss"] for r in log_records(parts)] == [r["loss"] for r in log_records(whole)]
    refused = train(workspace, parts, "--steps", "6", "--objective", "bert", "--resume", expect=1)
    assert "different learning-rate schedule" in refused.stderr


def test_fsdp_agrees_with_ddp(workspace, ddp_run, tmp_path):
    out = tmp_path / "fsdp"
    train(workspace, out, "--steps", "3", "--objective", "flowlm", "--fsdp", processes=2)
    a = AutoModelForMaskedLM.from_pretrained(ddp_run).state_dict()
    b = AutoModelForMaskedLM.from_pretrained(out).state_dict()
    assert a.keys() == b.keys()
    for name in a:
        assert torch.allclose(a[name], b[name], atol=1e-5), name


def test_dump_batch_round_trips(workspace, tmp_path):
    out, dump = tmp_path / "model", tmp_path / "batch.safetensors"
    train(workspace, out, "--objective", "llada", "--dump-batch", str(dump))
    assert dump_main([str(dump), "--tolerance", "1e-5"]) == 0
