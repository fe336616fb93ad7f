"""Train ModernBertForMaskedLM, or fine-tune any AutoModelForMaskedLM (BERT, RoBERTa, DistilBERT…), with FlowLM's
objectives: `python -m flowlm_train.train ...` or
`torchrun --nproc_per_node N -m flowlm_train.train ...` (docs/scale-out.md). Only rank 0 writes."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import shlex
import signal
import sys
import time
from pathlib import Path

import torch

from . import distributed as D
from .checkpoint import LOG, STATE_PT, load_train_state, model_card, save_checkpoint, tied_names
from .cli import knobs_from_args, parser
from .data import DataError, PromptResponseData, TextTokenizer, TextWindows, ValidationSplit, collate, load_documents
from .dump import write_batch_dump
from .metrics import KindMetrics, finite_or_none
from .modeling import ScoredLogits, build_model, read_config, resolve_pretrained
from .objectives import (CorruptedBatch, Corruptor, PositionKind, normalizer_for, weighted_cross_entropy,
                         weighted_cross_entropy_rows)
from .optim import LearningRateSchedule, build_optimizer
from .sources import ShuffledExamples, StreamingSource, StreamingText, seed_for


def log_record(step: int, lr: float, train: dict, validation: dict | None, grad_norm: float, tokens_per_s: float | None,
               tokens_seen: int, elapsed_s: float) -> dict:
    """One line of the training log, in FlowTrain's TrainingLogRecord schema and key order."""
    return {"step": step, "lr": lr, **train, **(validation or {}), "grad_norm": finite_or_none(grad_norm),
            "tokens_per_s": finite_or_none(tokens_per_s), "tokens_seen": tokens_seen, "elapsed_s": elapsed_s}


class TrainingStopped(RuntimeError):
    pass


class Trainer:
    def __init__(self, args, argv: list[str]):
        self.args, self.argv = args, argv
        self.ctx = D.setup(args.backend, args.device)
        if not self.ctx.is_main:  # one "Loading weights" progress bar, not one per rank
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        if args.threads:
            torch.set_num_threads(args.threads)
        self.out = Path(args.out)
        if args.auto_resume and (self.out / STATE_PT).exists():
            args.resume = True
        self.knobs = knobs_from_args(args)
        self.fsdp = args.fsdp
        use_bf16 = args.bf16 == "on" or (args.bf16 == "auto" and self.ctx.device.type == "cuda")
        self.autocast_dtype = torch.bfloat16 if use_bf16 else None
        self._load_tokenizer_and_model()
        self._load_data()
        self.optimizer = build_optimizer(self.wrapper, args.lr, args.weight_decay, (args.beta1, args.beta2), args.adam_eps)
        self.schedule = LearningRateSchedule(args.lr, args.warmup, args.steps, args.decay, args.final_lr_ratio)
        self.scheduler = self.schedule.lambda_lr(self.optimizer)
        self.step, self.tokens_seen, self.last_record, self.last_validation = 0, 0, {}, None
        self.elapsed, self.run_started = 0.0, time.perf_counter()  # seconds of earlier runs (resume), this run's start
        if args.resume:
            self._resume()
        self.stop_signal = 0

    # ---- setup -------------------------------------------------------------------------------------------------
    def _load_tokenizer_and_model(self):
        a = self.args
        if a.resume:  # the architecture comes from the checkpoint; its weights from the train state
            config_json, source_dir, preset, checkpoint = str(self.out / "config.json"), self.out, None, None
            self.source_note = f"resumed from {self.out}"  # replaced by the first run's note in _resume
        else:
            config_json, preset = a.config, a.preset
            # --init-from: a folder, or a hub id resolved offline from the local HF cache (modeling.resolve_pretrained)
            source_dir = checkpoint = resolve_pretrained(a.init_from) if a.init_from else None
            if a.init_from:
                resolved = source_dir.resolve()
                where = "" if str(resolved) == a.init_from else f" ({resolved})"
                self.source_note = f"`{a.init_from}`{where}"
            else:
                self.source_note = f"random initialisation ({f'preset {a.preset}' if a.preset else f'config {a.config}'})"
        if a.tokenizer:
            tok_path = Path(a.tokenizer)
        elif source_dir:
            tok_path = source_dir / "tokenizer.json"
            if not tok_path.is_file():
                raise DataError(tok_path, "not found: the model folder has no tokenizer.json (a fast tokenizer: save one "
                                          "with AutoTokenizer.from_pretrained(DIR).save_pretrained(DIR)), or pass --tokenizer")
        else:
            raise DataError("--tokenizer", "a tokenizer.json is needed (or --init-from a directory holding one)")
        # The model's config.json gives the reserved ids first; the tokenizer's folder may name them
        # (tokenizer_config.json, special_tokens_map.json); else the conventional names (specials.py).
        config_path = source_dir / "config.json" if source_dir else Path(config_json) if config_json else None
        config_values = read_config(config_path) if config_path else None
        self.tokenizer_path = tok_path
        self.tokenizer = TextTokenizer(tok_path, config_values, config_path=config_path)
        torch.manual_seed(a.seed)  # same initial weights on every rank
        self.mlm = build_model(preset=preset, config_json=config_json, checkpoint=checkpoint, vocab_size=self.tokenizer.size,
                               specials=self.tokenizer.specials, attn_implementation=a.attn, length=a.length)
        vocab = self.mlm.config.vocab_size
        bad = {role: i for role in ("pad", "cls", "sep", "mask", "unk")
               if (i := getattr(self.tokenizer.specials, role)) is not None and not 0 <= i < vocab}
        if bad:
            raise DataError(tok_path, f"reserved id(s) {bad} outside the model's vocabulary of {vocab}")
        self.wrapper = D.wrap(ScoredLogits(self.mlm).to(self.ctx.device), self.ctx, self.fsdp)

    def _load_data(self):
        a, ctx, tok = self.args, self.ctx, self.tokenizer
        split = ValidationSplit(a.val_period)
        jsonl = a.format == "jsonl" or (a.format == "auto" and a.data.endswith(".jsonl"))
        if a.streaming:
            if jsonl:
                raise DataError(a.data, "streaming reads plain text; load a JSONL file in memory")
            train = StreamingText(a.data, tok, a.length, ctx.rank, ctx.world_size, a.chunk_bytes, split)
            val = StreamingText(a.data, tok, a.length, 0, 1, a.chunk_bytes, split, validation=True)
            self.source = StreamingSource(train)
            self.validation = [e for _, e in zip(range(a.max_val_examples), val)]
            self.data_note = (f"{Path(a.data).name}: streamed in {a.chunk_bytes}-byte chunks, every {split.period}th chunk "
                              f"held out for validation ({len(self.validation)} windows kept)")
        else:
            if jsonl:
                data = PromptResponseData.load(a.data, tok, a.length, split)
                skipped = f", {data.skipped_too_long} skipped as longer than {a.length} tokens" if data.skipped_too_long else ""
                self.data_note = (f"{Path(a.data).name}: {data.pair_count} prompt/response pairs{skipped}, "
                                  f"{len(data.validation)} held out for validation")
            else:
                documents = load_documents(a.data)
                data = TextWindows.build(documents, tok, a.length, split)
                files = Path(a.data).name if len(documents) == 1 else f"{Path(a.data).name} ({len(documents)} files)"
                self.data_note = (f"{files}: {data.token_count} tokens in {len(data.train) + len(data.validation)} windows "
                                  f"of {a.length}, {len(data.validation)} held out for validation")
            self.source = ShuffledExamples(data.train, a.seed, ctx.rank, ctx.world_size)
            self.validation = data.validation[: a.max_val_examples]
        counts = None
        if self.knobs.substitutes == "unigram":
            examples = self.source.examples if isinstance(self.source, ShuffledExamples) else self.validation
            # TrainingData.unigramCounts: token counts over the editable positions of the training examples.
            ids = [t for e in examples for t, editable in zip(e.ids, e.editable) if editable]
            counts = torch.bincount(torch.tensor(ids, dtype=torch.long), minlength=self.mlm.config.vocab_size)
            counts = counts[: self.mlm.config.vocab_size].double().tolist()
        self.corruptor = Corruptor(self.knobs, tok.specials, self.mlm.config.vocab_size,
                                   tok.excluded_ids(self.mlm.config.vocab_size), counts)

    def settings(self) -> dict:
        """What must not change across a resume (TrainingKnobs.firstDifference), with the global batch in place of
        the per-process batch so that a run may continue on another number of processes."""
        a = self.args
        return {"objective or corruption knobs": self.knobs.to_dict(), "normalization": a.normalization,
                "learning-rate schedule": [a.lr, a.warmup, a.steps, a.decay, a.final_lr_ratio],
                "optimizer setting": [a.beta1, a.beta2, a.adam_eps, a.weight_decay],
                "global batch (processes × batch × accumulation)": self.ctx.world_size * a.batch * a.grad_accum,
                "sequence length": a.length, "clip norm": a.clip, "seed": a.seed}

    def _resume(self):
        state = load_train_state(self.out)
        saved = state.get("settings", {})
        for name, value in self.settings().items():
            if saved.get(name) != value:
                raise ValueError(f"{self.out / STATE_PT}: the run was started with a different {name} "
                                 f"({saved.get(name)!r}, now {value!r}); resume with the same settings")
        D.load_full_state(self.wrapper, self.optimizer, state["model"], state["optimizer"], self.fsdp)
        self.scheduler.load_state_dict(state["scheduler"])
        positions = state.get("data_by_rank", [state["data"]])
        if isinstance(self.source, StreamingSource):  # each rank streams its own chunks: its own position
            if len(positions) != self.ctx.world_size:
                raise ValueError(f"{self.out / STATE_PT}: a streaming run resumes on the same number of processes "
                                 f"({len(positions)}, now {self.ctx.world_size})")
            self.source.restore(positions[self.ctx.rank])
        else:
            self.source.restore(state["data"])
        self.step, self.tokens_seen = state["step"], state["tokens_seen"]
        self.last_record, self.last_validation = state.get("last_record", {}), state.get("last_validation")
        self.elapsed = state.get("elapsed_s", 0.0)
        self.source_note = state.get("source", self.source_note)
        torch.set_rng_state(state["rng"]["torch"])
        if self.ctx.is_main:  # drop log lines past the resumed step (written after the last checkpoint)
            log = self.out / LOG
            if log.exists():
                kept = [l for l in log.read_text().splitlines() if l and json.loads(l).get("step", 0) <= self.step]
                log.write_text("".join(l + "\n" for l in kept))

    # ---- batches -----------------------------------------------------------------------------------------------
    def corrupt(self, examples, *stream) -> CorruptedBatch:
        ids, editable, attention = collate(examples, self.args.length, self.tokenizer.specials.pad)
        generator = torch.Generator().manual_seed(seed_for(self.args.seed, *stream))
        return self.corruptor.corrupt(ids, editable, attention, generator)

    def forward_rows(self, batch):
        scored = (batch.kinds.reshape(-1) != PositionKind.IGNORED)
        index = torch.nonzero(scored).flatten().to(self.ctx.device)
        enabled = self.autocast_dtype is not None
        with torch.autocast(self.ctx.device.type, dtype=self.autocast_dtype or torch.bfloat16, enabled=enabled):
            logits = self.wrapper(batch.input_ids.to(self.ctx.device), batch.attention_mask.to(self.ctx.device), index)
        pick = lambda t: t.reshape(-1)[scored].to(self.ctx.device)
        rows = weighted_cross_entropy_rows(logits, pick(batch.labels), pick(batch.weights), self.tokenizer.specials.mask)
        return rows, pick(batch.labels), pick(batch.kinds), pick(batch.weights)

    # ---- one optimiser step ------------------------------------------------------------------------------------
    def train_step(self) -> dict:
        a, ctx = self.args, self.ctx
        started = time.perf_counter()
        # Micro-batch k of rank r is global micro-batch k·world + r: its examples (the slice ShuffledExamples hands this
        # rank) and its corruption seed are then the same as micro-batch k·world + r of a one-process run with
        # world × accumulation micro-batches, so N processes equal one process accumulating N times as much.
        batches = [self.corrupt(self.source.take(a.batch), "train", self.step, k * ctx.world_size + ctx.rank)
                   for k in range(a.grad_accum)]
        # The normaliser of the whole step (all micro-batches, all ranks), so the update equals one big batch.
        totals = torch.tensor([float(sum(normalizer_for(b.weights, b.kinds, a.normalization) for b in batches)),
                               float(sum(int(b.attention_mask.sum()) for b in batches))], dtype=torch.float64)
        if a.normalization == "sum_of_weights":
            D.all_reduce_sum(totals)
        else:
            totals[1:] = D.all_reduce_sum(totals[1:].clone())
            totals[0] = float(a.normalization) * ctx.world_size * a.grad_accum
        denominator, tokens = float(totals[0]), int(totals[1])
        scale = ctx.world_size / denominator if denominator > 0 else 0.0  # DDP averages gradients over ranks
        metrics = KindMetrics(ctx.device)
        self.wrapper.train()
        for k, batch in enumerate(batches):
            last = k == len(batches) - 1
            sync = contextlib.nullcontext() if last or not hasattr(self.wrapper, "no_sync") else self.wrapper.no_sync()
            with sync:
                rows, labels, kinds, weights = self.forward_rows(batch)
                (rows.weighted_sum * scale).backward()
            metrics.add(rows.row_loss, rows.predictions, labels, kinds, weights)
        grad_norm = self._clip()
        metrics.all_reduce()
        loss = metrics.objective_loss or 0.0
        if not (math.isfinite(loss) and math.isfinite(grad_norm)):  # stop before the update (TrainingDiverged)
            raise TrainingStopped(f"training diverged at step {self.step + 1}: loss {loss}, gradient norm {grad_norm}; "
                                  f"parameters left at step {self.step}, the last checkpoint in {self.out} is kept")
        lr = self.optimizer.param_groups[0]["lr"]
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.step += 1
        self.tokens_seen += tokens
        elapsed = time.perf_counter() - started
        train = metrics.as_fields()
        return {"lr": lr, "train": train, "grad_norm": grad_norm, "tokens_per_s": tokens / elapsed if elapsed > 0 else None}

    def _clip(self) -> float:
        params = [p for p in self.wrapper.parameters() if p.grad is not None]
        norm = torch.nn.utils.clip_grad_norm_(params, self.args.clip if self.args.clip > 0 else float("inf"))
        if hasattr(norm, "full_tensor"):
            norm = norm.full_tensor()
        return float(norm)

    @torch.no_grad()
    def evaluate(self) -> dict | None:
        a, ctx = self.args, self.ctx
        if not self.validation:
            return None
        size = a.batch
        chunks = [self.validation[i:i + size] for i in range(0, len(self.validation), size)]
        metrics = KindMetrics(ctx.device)
        self.wrapper.eval()
        rounds = (len(chunks) + ctx.world_size - 1) // ctx.world_size
        for r in range(rounds):  # every rank runs the same number of forwards (FSDP's collectives need it)
            i = r * ctx.world_size + ctx.rank
            batch = self.corrupt(chunks[min(i, len(chunks) - 1)], "validation", min(i, len(chunks) - 1))
            rows, labels, kinds, weights = self.forward_rows(batch)
            if i < len(chunks):
                metrics.add(rows.row_loss, rows.predictions, labels, kinds, weights)
        metrics.all_reduce()
        self.wrapper.train()
        return metrics.as_fields("val_")


    # ---- checkpoints -------------------------------------------------------------------------------------------
    def save(self, extra_summary: dict | None = None):
        a = self.args
        full = D.full_model_state(self.wrapper, self.fsdp)
        optim = D.full_optimizer_state(self.wrapper, self.optimizer, self.fsdp)
        positions = D.gather_objects(self.source.position)
        if not self.ctx.is_main:
            return
        state = {"model": full, "optimizer": optim, "scheduler": self.scheduler.state_dict(), "step": self.step,
                 "tokens_seen": self.tokens_seen, "data": self.source.position, "data_by_rank": positions,
                 "rng": {"torch": torch.get_rng_state()},
                 "last_record": self.last_record, "last_validation": self.last_validation,
                 "elapsed_s": self.elapsed + time.perf_counter() - self.run_started, "settings": self.settings(),
                 "source": self.source_note}
        summary = {"format": "flowlm_train-pytorch", "step": self.step, "tokens_seen": self.tokens_seen,
                   "data_position": self.source.position, "world_size": self.ctx.world_size, "seed": a.seed,
                   "objective": self.knobs.to_dict(), "normalization": a.normalization,
                   "architecture": type(self.mlm).__name__, "source": self.source_note,
                   "special_token_ids": dataclasses.asdict(self.tokenizer.specials),
                   "parameter_digest": D.parameter_digest(full), **(extra_summary or {})}
        tied = tied_names(self.mlm)
        card = model_card(name=self.out.name, data=self.data_note, args=a, knobs=self.knobs, steps=self.step,
                          tokens_seen=self.tokens_seen, parameters=sum(v.numel() for k, v in full.items() if k not in tied),
                          last=self.last_record, validation=self.last_validation, command=self.command,
                          world_size=self.ctx.world_size, architecture=type(self.mlm).__name__,
                          model_type=self.mlm.config.model_type, source=self.source_note,
                          specials=self.tokenizer.specials)
        dtype = {"f32": torch.float32, "bf16": torch.bfloat16, "f16": torch.float16}[a.dtype]
        save_checkpoint(self.out, self.mlm, full, self.tokenizer_path, card, state, summary, dtype, self.step,
                        naming_files=self.tokenizer.naming_files, specials=self.tokenizer.specials)

    @property
    def command(self) -> str:
        launcher = "torchrun --nproc_per_node %d " % self.ctx.world_size if self.ctx.distributed else "python "
        return launcher + "-m flowlm_train.train " + " ".join(shlex.quote(x) for x in self.argv)

    # ---- the run -----------------------------------------------------------------------------------------------
    def run(self) -> int:
        a, ctx = self.args, self.ctx
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda s, _f: setattr(self, "stop_signal", s))
        log = None
        self.run_started = time.perf_counter()
        if ctx.is_main:
            self.out.mkdir(parents=True, exist_ok=True)
            log = open(self.out / LOG, "a", buffering=1)
        try:
            while self.step < a.steps:
                step = self.train_step()
                self.last_record = step["train"]
                validation = None
                if a.eval_every and (self.step % a.eval_every == 0 or self.step == a.steps):
                    validation = self.last_validation = self.evaluate()
                record = log_record(self.step, step["lr"], step["train"], validation, step["grad_norm"],
                                    step["tokens_per_s"], self.tokens_seen, self.elapsed + time.perf_counter() - self.run_started)
                # Every rank stops at the same step: the signal flag is all-reduced.
                signalled = D.all_reduce_sum(torch.tensor([float(self.stop_signal)], dtype=torch.float64)).item() > 0
                stopping = signalled or (a.stop_after and a.stop_after <= self.step < a.steps)
                if log and (self.step % a.log_every == 0 or self.step == a.steps or validation or stopping):
                    log.write(json.dumps(record) + "\n")
                    print(f"step {self.step}/{a.steps} loss {record['loss'] or float('nan'):.4f} lr {record['lr']:.2e} "
                          f"{record['tokens_per_s'] or 0:.0f} tok/s", file=sys.stderr, flush=True)
                if stopping:
                    self.save()
                    return 128 + (self.stop_signal or int(signal.SIGTERM)) if signalled else 0
                if a.save_every and self.step % a.save_every == 0 and self.step < a.steps:
                    self.save()
            digests = self._rank_digests()
            self.save({"rank_parameter_digests": digests})
            return 0
        finally:
            if log:
                log.close()

    def _rank_digests(self) -> list[str] | None:
        if self.fsdp:
            return None  # parameters are sharded: the saved full state is the one copy
        return D.gather_objects(D.parameter_digest(D.full_model_state(self.wrapper, False)))

    def dump_first_batch(self) -> int:
        """`--dump-batch FILE`: the step-0 model in OUT and its first batch in flowlm's dump format."""
        if self.ctx.distributed:
            raise ValueError("--dump-batch runs in one process")
        batch = self.corrupt(self.source.take(self.args.batch), "train", 0, 0)
        self.save()
        self.mlm.eval()
        with torch.no_grad():
            logits = self.mlm(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        mask, normalization = self.tokenizer.specials.mask, self.args.normalization
        loss = float(weighted_cross_entropy(logits, batch.labels, batch.weights, batch.kinds, mask, normalization))
        normalizer = float(normalizer_for(batch.weights, batch.kinds, normalization))
        write_batch_dump(self.args.dump_batch, batch, self.knobs, normalizer, mask, self.out.resolve(), loss,
                         normalization, seed=self.args.seed, step=0)
        print(json.dumps({"dump": self.args.dump_batch, "model": str(self.out), "loss": loss}))
        return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    try:
        trainer = Trainer(args, argv)
        return trainer.dump_first_batch() if args.dump_batch else trainer.run()
    except (DataError, ValueError, OSError, TrainingStopped) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        D.teardown()


def entry() -> None:
    """`python -m flowlm_train.train` and the flowlm-train script. After a distributed run the process ends with
    os._exit once its output is flushed and every file is closed: the interpreter's finalisation would destroy the
    gloo process group while one of its worker threads may still be releasing the last collective's tensors, which
    needs the GIL, and that race aborts a rank now and then ("terminate called without an active exception") after
    the run has finished and saved."""
    code = main()
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
