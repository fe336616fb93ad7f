"""Fine-tuning any AutoModelForMaskedLM: special tokens resolved as transformers does (config.json ids, then
tokenizer_config.json / special_tokens_map.json names, then conventional names, then bos/eos), hub ids from the local
HF cache only, the scored-rows forward per architecture, and tiny random BERT / RoBERTa / DistilBERT folders
fine-tuned end to end (two gloo processes) into folders transformers reloads with the same logits."""
from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from tokenizers import Tokenizer
from transformers import AutoConfig, AutoModelForMaskedLM

from conftest import REPO_ROOT, TEXT, make_mlm_folder, make_wordpiece_tokenizer, train_env
from flowlm_train.data import TextTokenizer, TextWindows
from flowlm_train.distributed import encoder_layers, parameter_digest
from flowlm_train.modeling import SPARSE_HEADS, ModelSourceError, ScoredLogits, build_model, resolve_pretrained
from flowlm_train.objectives import Corruptor, CorruptionKnobs, PositionKind, SpecialIds
from flowlm_train.specials import SpecialTokenError, read_token_names, resolve_special_ids

RENAMED = ("[PAD]", "[UNK]", "[BOS]", "[EOS]", "[HOLE]")  # ids 0…4: pad, unk, cls, sep, mask under other names


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("mlm")
    made = {kind: make_mlm_folder(root / kind, kind) for kind in ("bert", "roberta", "distilbert")}
    corpus = root / "corpus"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"part{i}.txt").write_text(TEXT * (2 + i))
    made["corpus"] = corpus
    return made


def folder_with(tmp_path: Path, specials=RENAMED, **files: str) -> tuple[Path, Tokenizer]:
    """A WordPiece tokenizer.json whose five specials have the given names (ids 0…4), plus naming files."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    make_wordpiece_tokenizer(tmp_path / "tokenizer.json", specials=specials, vocab_size=80)
    for name, text in files.items():
        (tmp_path / f"{name}.json").write_text(text)
    return tmp_path, Tokenizer.from_file(str(tmp_path / "tokenizer.json"))


# ---- special tokens -------------------------------------------------------------------------------------------

def test_conventional_names_need_no_other_file(tmp_path):
    folder, tok = folder_with(tmp_path, ("<pad>", "<unk>", "<s>", "</s>", "<mask>"))
    assert resolve_special_ids(tok, folder) == SpecialIds(pad=0, cls=2, sep=3, mask=4, unk=1)


def test_tokenizer_config_names_tokens_as_strings_or_content_objects(tmp_path):
    config = {"cls_token": "[BOS]", "sep_token": {"content": "[EOS]", "lstrip": False},
              "mask_token": {"__type": "AddedToken", "content": "[HOLE]"}, "pad_token": None, "model_max_length": 512}
    folder, tok = folder_with(tmp_path, tokenizer_config=json.dumps(config))
    assert resolve_special_ids(tok, folder, {"pad_token_id": 0}) == SpecialIds(pad=0, cls=2, sep=3, mask=4, unk=1)


def test_config_ids_win_then_tokenizer_config_then_special_tokens_map_then_conventional_names(tmp_path):
    folder, tok = folder_with(tmp_path, ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"),
                              tokenizer_config='{"mask_token": "[SEP]", "sep_token": "[CLS]"}',
                              special_tokens_map='{"mask_token": "[PAD]", "cls_token": "[UNK]", "unk_token": "[MASK]"}')
    # mask: config.json wins over both files; sep: tokenizer_config.json over the conventional [SEP];
    # cls: special_tokens_map.json fills the gap; unk: special_tokens_map.json; pad: conventional.
    ids = resolve_special_ids(tok, folder, {"mask_token_id": 3, "cls_token_id": None})
    assert ids == SpecialIds(pad=0, cls=1, sep=2, mask=3, unk=4)


def test_cls_and_sep_fall_back_to_config_bos_and_eos(tmp_path):
    folder, tok = folder_with(tmp_path, ("[PAD]", "[UNK]", "[BEGIN]", "[END]", "[MASK]"))
    ids = resolve_special_ids(tok, folder, {"bos_token_id": 2, "eos_token_id": 3, "pad_token_id": 0})
    assert ids == SpecialIds(pad=0, cls=2, sep=3, mask=4, unk=1)
    # A named cls beats bos; a list of eos ids (some configs) counts as absent.
    (folder / "special_tokens_map.json").write_text('{"cls_token": "[END]"}')
    with pytest.raises(SpecialTokenError, match="no sep token"):
        resolve_special_ids(tok, folder, {"bos_token_id": 2, "eos_token_id": [3, 1]})
    assert resolve_special_ids(tok, folder, {"bos_token_id": 2, "eos_token_id": 3}).cls == 3


def test_missing_token_error_says_which_and_where_it_looked(tmp_path):
    folder, tok = folder_with(tmp_path, ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[HOLE]"),
                              tokenizer_config='{"cls_token": "[CLS]"}')
    with pytest.raises(SpecialTokenError) as error:
        resolve_special_ids(tok, folder, {"pad_token_id": 0}, folder / "config.json")
    message = str(error.value)
    for part in ("no mask token", "config.json has no mask_token_id", "tokenizer_config.json names no mask_token",
                 "there is no special_tokens_map.json", "tokenizer.json has no [MASK] or <mask>"):
        assert part in message, message
    folder2, tok2 = folder_with(tmp_path / "sep", ("[PAD]", "[UNK]", "[CLS]", "[END]", "[MASK]"))
    with pytest.raises(SpecialTokenError, match=r"no sep token: .*\[SEP\] or <sep> or </s>, config.json has no eos_token_id"):
        resolve_special_ids(tok2, folder2, {})
    with pytest.raises(SpecialTokenError, match="no sep token: there is no config.json"):
        resolve_special_ids(tok2, folder2, None)  # --preset: no config yet


def test_named_token_the_tokenizer_lacks_is_an_error_naming_the_file(tmp_path):
    folder, tok = folder_with(tmp_path, ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"),
                              special_tokens_map='{"mask_token": "<mask>"}')
    with pytest.raises(SpecialTokenError, match=r"special_tokens_map.json: mask_token '<mask>' is not a token of tokenizer.json"):
        resolve_special_ids(tok, folder)


@pytest.mark.parametrize("text,expected", [('{"mask_token": 4}', "must be a string"),
                                           ('{"mask_token": {"id": 4}}', "must be a string"),
                                           ('{"mask', "not valid JSON"), ("[]", "not a JSON object")])
def test_hostile_naming_files_give_clear_errors(tmp_path, text, expected):
    (tmp_path / "special_tokens_map.json").write_text(text)
    with pytest.raises(SpecialTokenError, match=expected) as error:
        read_token_names(tmp_path / "special_tokens_map.json")
    assert "special_tokens_map.json" in str(error.value)


def test_bad_config_ids_are_errors_naming_config_json(tmp_path):
    folder, tok = folder_with(tmp_path, ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"))
    for bad in ("4", -1, True, 2.0):
        with pytest.raises(SpecialTokenError, match="config.json: mask_token_id must be a non-negative integer"):
            resolve_special_ids(tok, folder, {"mask_token_id": bad})


def test_text_tokenizer_reads_naming_files_from_its_folder_and_encodes_wordpiece(tmp_path):
    folder, _ = folder_with(tmp_path, tokenizer_config='{"cls_token": "[BOS]", "sep_token": "[EOS]", "mask_token": "[HOLE]"}')
    tok = TextTokenizer(folder / "tokenizer.json", {"pad_token_id": 0}, config_path=folder / "config.json")
    assert tok.specials == SpecialIds(pad=0, cls=2, sep=3, mask=4, unk=1)
    assert tok.naming_files == [folder / "tokenizer_config.json"]
    ids = tok.encode("To be, or not to be")
    assert ids and not set(ids) & set(tok.specials.reserved)  # no [BOS]/[EOS] added: the pipeline adds them
    assert tok.tokenizer.decode(ids) == "to be, or not to be"
    windows = TextWindows.build([(folder / "t.txt", TEXT)], tok, 16)
    first = windows.train[0]
    assert first.ids[0] == 2 and first.ids[-1] == 3 and len(first.ids) == 16
    assert first.editable == [False] + [True] * 14 + [False]


def test_corruption_never_touches_roberta_reserved_ids(folders):
    tok = TextTokenizer(folders["roberta"] / "tokenizer.json", json.loads((folders["roberta"] / "config.json").read_text()))
    s = tok.specials
    assert s == SpecialIds(pad=1, cls=0, sep=2, mask=tok.size - 1, unk=3)  # <mask> is the last id, as in roberta-base
    row = [s.cls, *tok.encode(TEXT)[:40], s.unk, s.mask, s.sep, s.pad, s.pad]
    clean = torch.tensor([row] * 64)
    editable = torch.ones_like(clean, dtype=torch.bool)
    attention = torch.ones_like(clean)
    for objective in ("flowlm", "uniform", "bert", "llada"):
        corruptor = Corruptor(CorruptionKnobs(objective), s, tok.size, tok.excluded_ids(tok.size))
        batch = corruptor.corrupt(clean, editable, attention, torch.Generator().manual_seed(1))
        reserved = torch.isin(clean, torch.tensor(s.reserved))
        assert (batch.kinds[reserved] == PositionKind.IGNORED).all() and (batch.input_ids[reserved] == clean[reserved]).all()
        substituted = batch.kinds == PositionKind.SUBSTITUTED
        assert not torch.isin(batch.input_ids[substituted], torch.tensor(s.reserved)).any()


# ---- model sources and the scored-rows forward ---------------------------------------------------------------

def test_hub_ids_resolve_from_the_local_cache_only(folders, tmp_path):
    cache = tmp_path / "hub"
    snapshot = cache / "models--tiny-org--tiny-bert" / "snapshots" / "0123abcd"
    shutil.copytree(folders["bert"], snapshot)
    (cache / "models--tiny-org--tiny-bert" / "refs").mkdir()
    (cache / "models--tiny-org--tiny-bert" / "refs" / "main").write_text("0123abcd")
    assert resolve_pretrained("tiny-org/tiny-bert", cache_dir=cache) == snapshot
    assert resolve_pretrained(folders["bert"]) == folders["bert"]
    with pytest.raises(ModelSourceError) as error:
        resolve_pretrained("tiny-org/absent", cache_dir=cache)
    assert "no snapshot of the hub model 'tiny-org/absent'" in str(error.value)
    assert str(cache / "models--tiny-org--absent" / "snapshots") in str(error.value)
    with pytest.raises(ModelSourceError, match="no such folder"):
        resolve_pretrained(str(tmp_path / "no" / "such" / "folder"), cache_dir=cache)
    with pytest.raises(ModelSourceError, match="not a folder"):
        resolve_pretrained(folders["bert"] / "config.json", cache_dir=cache)


def tiny_mlm(kind: str):
    from transformers import AlbertConfig, CamembertConfig, XLMRobertaConfig

    if kind in ("bert", "roberta", "distilbert"):
        return None
    small = dict(vocab_size=90, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=48,
                 max_position_embeddings=40)
    config = {"xlm-roberta": XLMRobertaConfig, "camembert": CamembertConfig, "albert": AlbertConfig}[kind](**small)
    return AutoModelForMaskedLM.from_config(config)


@pytest.mark.parametrize("kind", ["bert", "roberta", "distilbert", "xlm-roberta", "camembert", "albert", "modernbert"])
def test_scored_logits_equal_the_full_forwards_rows(kind, folders, workspace):
    torch.manual_seed(0)
    if kind in folders:
        mlm = AutoModelForMaskedLM.from_pretrained(folders[kind])
    elif kind == "modernbert":
        mlm = build_model(config_json=str(workspace / "config.json"), vocab_size=10, specials=SpecialIds(0, 2, 3, 4))
    else:
        mlm = tiny_mlm(kind)
    mlm.eval()
    scored = ScoredLogits(mlm)
    assert scored.sparse == (kind != "albert")  # ALBERT is not in SPARSE_HEADS: the generic full forward
    assert len(encoder_layers(mlm)) == (3 if kind == "modernbert" else 2 if kind != "albert" else 1)
    ids = torch.randint(5, 60, (2, 12))
    attention = torch.ones_like(ids)
    attention[1, 9:] = 0
    index = torch.tensor([0, 3, 7, 13, 20])
    with torch.no_grad():
        full = mlm(input_ids=ids, attention_mask=attention).logits.reshape(-1, mlm.config.vocab_size)[index]
        rows = scored(ids, attention, index)
    assert rows.shape == full.shape
    assert torch.allclose(rows, full, atol=1e-5), (rows - full).abs().max()


def test_a_config_json_builds_its_model_type_from_scratch(folders, workspace):
    specials = SpecialIds(0, 2, 3, 4)
    bert = build_model(config_json=str(folders["bert"] / "config.json"), vocab_size=150, specials=specials, length=32)
    assert type(bert).__name__ == "BertForMaskedLM" and bert.config.hidden_size == 32
    modern = build_model(config_json=str(workspace / "config.json"), vocab_size=150, specials=specials, length=32)
    assert type(modern).__name__ == "ModernBertForMaskedLM"


def test_a_length_past_learned_positions_is_refused(folders):
    specials = SpecialIds(1, 0, 2, 300, 3)
    # RoBERTa's 66 position rows start after pad (id 1): 64 positions.
    build_model(checkpoint=folders["roberta"], vocab_size=10, specials=specials, length=64)
    with pytest.raises(ValueError, match="--length 65 is longer than the 64 positions"):
        build_model(checkpoint=folders["roberta"], vocab_size=10, specials=specials, length=65)
    with pytest.raises(ValueError, match="the model has 150 rows, the tokenizer 151 ids"):
        build_model(checkpoint=folders["bert"], vocab_size=151, specials=specials, length=8)


# ---- fine-tuning end to end -----------------------------------------------------------------------------------

COMMON = ["--length", "32", "--batch", "2", "--accumulation", "2", "--warmup", "1", "--eval-every", "3",
          "--save-every", "0", "--threads", "1", "--lr", "3e-3"]


def run(args: list[str], processes: int = 1, env: dict | None = None, expect: int = 0) -> subprocess.CompletedProcess:
    launcher = ([sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}"]
                if processes > 1 else [sys.executable])
    result = subprocess.run([*launcher, "-m", "flowlm_train.train", *args], env={**train_env(), **(env or {})},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == expect, result.stderr[-4000:]
    return result


def sample_ids(folder: Path) -> tuple[torch.Tensor, torch.Tensor]:
    tok = TextTokenizer(folder / "tokenizer.json", json.loads((folder / "config.json").read_text()))
    s = tok.specials
    row = [s.cls, *tok.encode(TEXT)[:12], s.sep]
    ids = torch.tensor([row, row[:5] + [s.mask] * 3 + row[8:]])
    attention = torch.ones_like(ids)
    return ids, attention


# BERT's [PAD] [UNK] [CLS] [SEP] [MASK] are 0…4; RoBERTa's <s> <pad> </s> <unk> are 0…3 and <mask> the last id.
EXPECTED = {"bert": {"pad": 0, "cls": 2, "sep": 3, "mask": 4, "unk": 1},
            "roberta": {"pad": 1, "cls": 0, "sep": 2, "mask": 300, "unk": 3}}


def test_the_fixture_folders_have_the_expected_ids(folders):
    roberta = Tokenizer.from_file(str(folders["roberta"] / "tokenizer.json"))
    assert roberta.token_to_id("<mask>") == roberta.get_vocab_size(with_added_tokens=True) - 1 == EXPECTED["roberta"]["mask"]
    bert = Tokenizer.from_file(str(folders["bert"] / "tokenizer.json"))
    assert [bert.token_to_id(t) for t in ("[PAD]", "[CLS]", "[SEP]", "[MASK]", "[UNK]")] == list(EXPECTED["bert"].values())


@pytest.fixture(scope="module")
def fine_tuned(folders, tmp_path_factory):
    """fine_tuned(kind, objective, *extra) → (OUT, the --init-from argument): a 3-step run of two gloo processes,
    made once per module."""
    done = {}

    def get(kind: str, objective: str, *extra: str) -> tuple[Path, str]:
        key = (kind, objective, *extra)
        if key not in done:
            root = tmp_path_factory.mktemp(f"{kind}-{objective}")
            env, init = {}, str(folders[kind])
            if (kind, objective, *extra) == ("bert", "flowlm"):  # a hub id, resolved offline from the local cache
                repository = root / "hub" / "models--tiny-org--tiny-bert"
                shutil.copytree(folders[kind], repository / "snapshots" / "c0ffee")
                (repository / "refs").mkdir()
                (repository / "refs" / "main").write_text("c0ffee")
                init, env = "tiny-org/tiny-bert", {"HF_HUB_CACHE": str(root / "hub")}
            run(["--data", str(folders["corpus"]), "--init-from", init, "--out", str(root / "out"), "--objective",
                 objective, "--steps", "3", *COMMON, *extra], processes=2, env=env)
            done[key] = root / "out", init
        return done[key]

    return get


@pytest.mark.parametrize("kind,objective", [("bert", "flowlm"), ("bert", "llada"), ("roberta", "flowlm"),
                                            ("roberta", "llada")])
def test_two_gloo_processes_fine_tune_a_masked_lm(kind, objective, folders, fine_tuned):
    source = folders[kind]
    out, init = fine_tuned(kind, objective)
    summary = json.loads((out / "torch_train_state.json").read_text())
    assert summary["step"] == 3 and summary["world_size"] == 2
    assert summary["special_token_ids"] == EXPECTED[kind]
    records = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records] == [1, 2, 3]
    assert all(math.isfinite(r["loss"]) and r["loss"] > 0 for r in records)
    assert math.isfinite(records[-1]["val_loss"])
    if objective == "llada":
        assert set(k for r in records for k in r if k.startswith("loss_")) == {"loss_masked"}

    reloaded = AutoModelForMaskedLM.from_pretrained(out).eval()
    original = AutoModelForMaskedLM.from_pretrained(source).eval()
    assert type(reloaded).__name__ == {"bert": "BertForMaskedLM", "roberta": "RobertaForMaskedLM"}[kind]
    digests = summary["rank_parameter_digests"]
    assert digests[0] == digests[1] == parameter_digest(reloaded.state_dict())  # exactly what both ranks held
    before, after = original.state_dict(), reloaded.state_dict()
    changed = [name for name in before if not torch.equal(before[name], after[name])]
    assert len(changed) > 0.9 * len(before)
    # The in-memory weights at the save (the train state's gathered copy) give the reloaded folder's logits.
    in_memory = AutoModelForMaskedLM.from_config(AutoConfig.from_pretrained(out))
    missing, unexpected = in_memory.load_state_dict(torch.load(out / "torch_train_state.pt", weights_only=False)["model"])
    assert not missing and not unexpected
    ids, attention = sample_ids(out)
    with torch.no_grad():
        expected = in_memory.eval()(input_ids=ids, attention_mask=attention).logits
        got = reloaded(input_ids=ids, attention_mask=attention).logits
        before_logits = original(input_ids=ids, attention_mask=attention).logits
    assert torch.equal(got, expected) and not torch.allclose(got, before_logits)

    config = json.loads((out / "config.json").read_text())
    assert config["architectures"] == [type(reloaded).__name__]
    assert {k: config[f"{k}_token_id"] for k in ("pad", "cls", "sep", "mask")} == {
        k: v for k, v in EXPECTED[kind].items() if k != "unk"}
    assert (out / "tokenizer.json").read_bytes() == (source / "tokenizer.json").read_bytes()
    assert (out / "tokenizer_config.json").is_file() == (kind == "roberta")
    card = (out / "README.md").read_text()
    assert f"- Architecture: {type(reloaded).__name__} (model_type {kind})" in card
    assert f"- Started from: `{init}`" in card


@pytest.mark.parametrize("kind", ["bert", "roberta"])
def test_flowlm_reads_the_fine_tuned_folder_and_gives_hf_logits_when_the_binary_is_built(kind, fine_tuned):
    candidates = [os.environ.get("FLOWLM_BIN")] + [str(REPO_ROOT / ".build" / c / "flowlm") for c in ("release", "debug")]
    binaries = [c for c in candidates if c and os.path.isfile(c) and os.access(c, os.X_OK)]
    out, _ = fine_tuned(kind, "flowlm")
    # A binary built before flowlm read BERT-family folders refuses them by model_type: skip it, try the next.
    binary = next((b for b in binaries if subprocess.run([b, "info", str(out)], capture_output=True, text=True,
                                                         timeout=120).returncode == 0), None)
    if binary is None:
        pytest.skip("no flowlm binary that reads BERT-family folders (swift build, or set FLOWLM_BIN)")
    ids, _ = sample_ids(out)
    row = ids[1].tolist()
    forward = subprocess.run([binary, "forward", "--model", str(out), "--ids", ",".join(map(str, row)), "--json",
                              "--threads", "1"], capture_output=True, text=True, timeout=120)
    assert forward.returncode == 0, forward.stderr
    flowlm_logits = torch.tensor(json.loads(forward.stdout)["logits"])
    model = AutoModelForMaskedLM.from_pretrained(out, attn_implementation="eager").eval()
    with torch.no_grad():
        hf_logits = model(input_ids=torch.tensor([row])).logits[0]
    assert flowlm_logits.shape == hf_logits.shape
    assert (flowlm_logits - hf_logits).abs().max() < 1e-4


def test_fsdp_fine_tunes_roberta_as_ddp_does(fine_tuned):
    ddp, _ = fine_tuned("roberta", "llada")
    fsdp, _ = fine_tuned("roberta", "llada", "--fsdp")
    a = AutoModelForMaskedLM.from_pretrained(ddp).state_dict()
    b = AutoModelForMaskedLM.from_pretrained(fsdp).state_dict()
    assert a.keys() == b.keys()
    for name in a:
        assert torch.allclose(a[name], b[name], atol=1e-5), name


def test_distilbert_fine_tunes(folders, tmp_path):
    out = tmp_path / "distil"
    run(["--data", str(folders["corpus"]), "--init-from", str(folders["distilbert"]), "--out", str(out),
         "--objective", "bert", "--steps", "2", *COMMON])
    model = AutoModelForMaskedLM.from_pretrained(out)
    assert type(model).__name__ == "DistilBertForMaskedLM"
    assert json.loads((out / "torch_train_state.json").read_text())["special_token_ids"] == EXPECTED["bert"]
    before = AutoModelForMaskedLM.from_pretrained(folders["distilbert"]).state_dict()
    assert not torch.equal(before["vocab_transform.weight"], model.state_dict()["vocab_transform.weight"])


def test_a_bert_run_stopped_and_resumed_equals_an_uninterrupted_one(folders, tmp_path):
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    args = ["--data", str(folders["corpus"]), "--init-from", str(folders["bert"]), "--objective", "flowlm",
            "--steps", "3", *COMMON]
    run([*args, "--out", str(whole)])
    run([*args, "--out", str(parts), "--stop-after", "1"])
    run([*args, "--out", str(parts), "--resume"])  # BERT rebuilt from OUT/config.json, dropout RNG restored
    a = AutoModelForMaskedLM.from_pretrained(whole).state_dict()
    b = AutoModelForMaskedLM.from_pretrained(parts).state_dict()
    assert all(torch.equal(a[name], b[name]) for name in a)
    assert "- Started from: `" + str(folders["bert"]) in (parts / "README.md").read_text()


def test_in_memory_model_equals_the_saved_folder_with_the_mask_named_only_in_tokenizer_config(folders, tmp_path):
    """A BERT folder whose mask token is [HOLE]: config.json names no mask id, tokenizer_config.json names it."""
    from flowlm_train.cli import parser
    from flowlm_train.train import Trainer

    source = tmp_path / "renamed"
    source.mkdir()
    make_wordpiece_tokenizer(source / "tokenizer.json", specials=RENAMED, vocab_size=150)
    shutil.copyfile(folders["bert"] / "config.json", source / "config.json")
    shutil.copyfile(folders["bert"] / "model.safetensors", source / "model.safetensors")
    naming = '{"cls_token": "[BOS]", "sep_token": "[EOS]", "mask_token": {"content": "[HOLE]", "special": true}}'
    (source / "tokenizer_config.json").write_text(naming)
    out = tmp_path / "out"
    argv = ["--data", str(folders["corpus"]), "--init-from", str(source), "--out", str(out), "--objective", "llada",
            "--steps", "2", *COMMON]
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    threads = torch.get_num_threads()
    try:
        trainer = Trainer(parser().parse_args(argv), argv)
        assert trainer.tokenizer.specials == SpecialIds(pad=0, cls=2, sep=3, mask=4, unk=1)
        assert trainer.run() == 0
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        torch.set_num_threads(threads)
    assert json.loads((out / "tokenizer_config.json").read_text()) == json.loads(naming)
    reloaded = AutoModelForMaskedLM.from_pretrained(out).eval()
    ids, attention = sample_ids(out)
    assert ids[1, 5] == 4  # [HOLE], found through the copied tokenizer_config.json
    with torch.no_grad():
        expected = trainer.mlm.eval()(input_ids=ids, attention_mask=attention).logits
        got = reloaded(input_ids=ids, attention_mask=attention).logits
    assert torch.equal(got, expected)
    # Resolving the saved folder again gives the same ids (config.json now names them, the naming file came along).
    again = TextTokenizer(out / "tokenizer.json", json.loads((out / "config.json").read_text()))
    assert again.specials == trainer.tokenizer.specials


def test_a_missing_hub_model_is_a_clear_error(folders, tmp_path, monkeypatch, capsys):
    from huggingface_hub import constants

    from flowlm_train.train import main

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "empty"))  # transformers reads it at each call
    code = main(["--data", str(folders["corpus"]), "--init-from", "tiny-org/not-downloaded", "--out",
                 str(tmp_path / "out"), "--steps", "1"])
    stderr = capsys.readouterr().err
    assert code == 1
    assert "no snapshot of the hub model 'tiny-org/not-downloaded'" in stderr
    assert str(tmp_path / "empty" / "models--tiny-org--not-downloaded") in stderr
