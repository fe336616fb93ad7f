"""The equivalence check of issue 8 against the real thing: `flowlm train --dump-batch` writes a corrupted batch
(and the checkpoint it was scored with) for each objective, and the Python side computes the same loss within 1e-4."""
from __future__ import annotations

import os
import subprocess

import pytest

from conftest import REPO_ROOT
from flowlm_train.dump import loss_on_dump, read_batch_dump


def flowlm_binary() -> str:
    candidates = [os.environ.get("FLOWLM_BIN")] + [str(REPO_ROOT / ".build" / c / "flowlm") for c in ("release", "debug")]
    binary = next((c for c in candidates if c and os.path.isfile(c) and os.access(c, os.X_OK)), None)
    if binary is None:
        pytest.skip("flowlm binary not built (swift build, or set FLOWLM_BIN)")
    return binary


@pytest.mark.parametrize("objective", ["llada", "bert", "flowlm", "uniform"])
def test_python_loss_equals_flowlms_on_its_dumped_batch(objective, tmp_path):
    out, dump_file = tmp_path / "model", tmp_path / "batch.safetensors"
    run = subprocess.run([flowlm_binary(), "train", "--data", "task:palindrome", "--out", str(out),
                          "--objective", objective, "--hidden", "32", "--intermediate", "48", "--heads", "2",
                          "--layers", "2", "--batch", "4", "--length", "24", "--threads", "1", "--seed", "5",
                          "--dump-batch", str(dump_file)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    dump = read_batch_dump(dump_file)
    assert dump.knobs.objective == objective
    result = loss_on_dump(dump)
    assert result.reported_loss is not None
    assert abs(result.loss - result.reported_loss) <= 1e-4, (result.loss, result.reported_loss)
