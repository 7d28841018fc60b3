"""Train the book's character-level GPT from the command line; print one JSON line.

This is the engine of ``benchmarks/char_lm.py``; it lives in the package so that
``python -m tutorial_utils.char_lm`` (and ``torchrun -m tutorial_utils.char_lm``)
also works where only the package is installed, as in Colab.

The model is ``tutorial_utils.gpt.GPT`` (chapter 09's, checked equal to it), the
data the book's offline corpus (``load_char_corpus``: train, then validation). A
step is what nanoGPT times: draw a batch, forward, backward, clip, optimizer step.

    python benchmarks/char_lm.py                 # 4 layers, 2000 iterations
    python benchmarks/char_lm.py --iters 200 --precision fp32
    torchrun --nproc-per-node 2 benchmarks/char_lm.py   # data-parallel

Under ``torchrun`` each process trains a DistributedDataParallel copy (gloo on
CPU, NCCL on CUDA) on its share of one global batch of
``batch_size * world_size`` windows drawn from a seed every process shares, so
the run computes what one process would with the whole global batch.

Precision ``auto`` uses bf16 autocast (attention kept in fp32) on a CPU with
native bf16 matrix instructions (AVX-512 BF16 or AMX) and on a CUDA GPU with
bf16 tensor cores (Ampere or newer), and fp32 elsewhere, where bf16 does not pay
(``tutorial_utils.device`` decides both).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import statistics
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import Tensor, nn

from tutorial_utils.device import cpu_has_native_bf16, cuda_has_native_bf16, get_device
from tutorial_utils.gpt import GPT, GPTConfig
from tutorial_utils.text import load_char_corpus

__all__ = ["choose_precision", "lr_at", "main", "parse_args"]


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1; got {value}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0; got {text}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n-layer", type=positive_int, default=4)
    p.add_argument("--n-head", type=positive_int, default=4)
    p.add_argument("--d-model", type=positive_int, default=128)
    p.add_argument("--block-size", type=positive_int, default=64)
    p.add_argument("--batch-size", type=positive_int, default=12, help="per process")
    p.add_argument("--iters", type=positive_int, default=2000)
    p.add_argument("--lr", type=positive_float, default=1e-3)
    p.add_argument("--min-lr", type=positive_float, default=1e-4)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--grad-clip", type=float, default=1.0)
    p.add_argument("--eval-interval", type=positive_int, default=500)
    p.add_argument("--max-seconds", type=positive_float, default=None)
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:1, mps")
    p.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto")
    p.add_argument("--compile", action="store_true", help="torch.compile the model")
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--max-chars", type=positive_int, default=None)
    p.add_argument(
        "--save-state", type=Path, default=None, help="save final weights and grads"
    )
    args = p.parse_args(argv)
    if args.d_model % args.n_head:
        p.error(f"--d-model {args.d_model} is not divisible by --n-head {args.n_head}")
    if args.d_model % 2:
        p.error(f"--d-model must be even; got {args.d_model}")
    if not 0 <= args.warmup < args.iters:
        p.error(f"--warmup must lie in [0, --iters); got {args.warmup}")
    if args.min_lr > args.lr:
        p.error(f"--min-lr {args.min_lr} exceeds --lr {args.lr}")
    return args


def choose_precision(requested: str, device: torch.device) -> str:
    """``requested``, or for ``"auto"`` bf16 where the device computes in it
    natively and fp32 elsewhere."""
    if requested != "auto":
        return requested
    if device.type == "cuda":
        return "bf16" if cuda_has_native_bf16(device) else "fp32"
    return "bf16" if device.type == "cpu" and cpu_has_native_bf16() else "fp32"


def lr_at(it: int, args: argparse.Namespace) -> float:
    """Linear warm-up to ``lr``, then cosine decay to ``min_lr`` at ``iters``."""
    if it < args.warmup:
        return args.lr * (it + 1) / (args.warmup + 1)
    progress = (it - args.warmup) / max(1, args.iters - args.warmup)
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (
        1 + math.cos(math.pi * progress)
    )


def make_optimizer(model: nn.Module, args: argparse.Namespace, device: torch.device):
    """AdamW (beta2 0.99); weight decay on matrices only, as nanoGPT does."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {
            "params": [p for p in params if p.dim() >= 2],
            "weight_decay": args.weight_decay,
        },
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    fused = device.type in ("cpu", "cuda")
    return torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.99), fused=fused)


def windows(ids: Tensor, starts: Tensor, block: int) -> tuple[Tensor, Tensor]:
    """Inputs ``ids[s : s + block]`` and next-token targets for each start ``s``."""
    rows = ids[starts[:, None] + torch.arange(block + 1)]  # (len(starts), block + 1)
    return rows[:, :-1], rows[:, 1:]


class Batches:
    """Random windows of ``block_size + 1`` tokens, the same on every process.

    Each call draws ``batch_size * world`` start offsets from one generator and
    returns this process's share, so the global batch does not depend on how many
    processes split it.
    """

    def __init__(self, ids: Tensor, block: int, batch: int, seed: int) -> None:
        self.ids, self.block, self.batch = ids, block, batch
        self.world = dist.get_world_size() if dist.is_initialized() else 1
        self.rank = dist.get_rank() if dist.is_initialized() else 0
        self.generator = torch.Generator().manual_seed(seed)

    def __call__(self) -> tuple[Tensor, Tensor]:
        n = len(self.ids) - self.block - 1
        starts = torch.randint(n, (self.batch * self.world,), generator=self.generator)
        mine = starts[self.rank * self.batch : (self.rank + 1) * self.batch]
        return windows(self.ids, mine, self.block)


@torch.no_grad()
def mean_loss(
    model: GPT,
    ids: Tensor,
    block: int,
    device: torch.device,
    starts: Tensor | None = None,
) -> float:
    """Mean next-token loss (fp32) over the non-overlapping windows of ``ids``:
    all of them, or those beginning at ``starts``."""
    model.eval()
    if starts is None:
        starts = torch.arange(0, len(ids) - block, block)  # every full window
    total, count = 0.0, 0
    for chunk in starts.split(256):
        x, y = (t.to(device) for t in windows(ids, chunk, block))
        logits, _ = model(x)
        loss = F.cross_entropy(
            logits.float().flatten(0, 1), y.flatten(), reduction="sum"
        )
        total, count = total + loss.item(), count + y.numel()
    model.train()
    return total / count


def train_step(
    model, raw: GPT, optimizer, x: Tensor, y: Tensor, autocast, args, it: int
):
    """Forward, backward, clip, optimizer step; the clipped gradients if
    ``--save-state`` asks for them (for the data-parallel test)."""
    with autocast():
        logits, _ = model(x)
    loss = F.cross_entropy(logits.float().flatten(0, 1), y.flatten())
    if not torch.isfinite(loss):
        raise SystemExit(f"loss became {loss.item()} at iteration {it}; lower --lr")
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if args.grad_clip > 0:
        nn.utils.clip_grad_norm_(raw.parameters(), args.grad_clip)
    grads = [p.grad.clone() for p in raw.parameters()] if args.save_state else None
    optimizer.step()
    return grads


def setup_distributed(requested: str | None) -> tuple[torch.device, int, int]:
    """Initialise torch.distributed under torchrun; returns device, rank, world."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return get_device(requested), 0, 1
    rank, local = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    device = get_device(requested)
    if device.type == "cuda":
        device = torch.device("cuda", local)
        torch.cuda.set_device(device)
    dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return device, rank, world


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    device, rank, world = setup_distributed(args.device)
    precision = choose_precision(args.precision, device)
    if precision == "bf16" and device.type == "cuda":
        if not torch.cuda.is_bf16_supported():
            raise SystemExit("--precision bf16: this GPU has no bf16 support; use fp32")
    corpus = load_char_corpus(max_chars=args.max_chars)
    train_ids, val_ids = corpus.train_ids, corpus.val_ids
    config = GPTConfig(
        vocab_size=corpus.vocab_size, d=args.d_model, h=args.n_head,
        d_ff=4 * args.d_model, n_layers=args.n_layer, block_size=args.block_size,
    )  # fmt: skip
    torch.manual_seed(args.seed)  # the same initial weights on every process
    model = GPT(config).to(device)
    raw = model
    if world > 1:
        model = nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None
        )
    step_model = torch.compile(model) if args.compile else model
    optimizer = make_optimizer(raw, args, device)
    dtype = torch.bfloat16 if precision == "bf16" else None

    def autocast():
        if dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device.type, dtype=dtype)

    block = args.block_size
    batches = Batches(train_ids, block, args.batch_size, args.seed)
    # train loss on 512 fixed windows spread over the split; val on all of it
    probe = torch.linspace(0, len(train_ids) - block - 1, 512).long()
    evals, step_ms, start, it = [], [], time.perf_counter(), 0

    def evaluate(it: int) -> dict:
        return {
            "iter": it,
            "train_loss": round(mean_loss(raw, train_ids, block, device, probe), 4),
            "val_loss": round(mean_loss(raw, val_ids, block, device), 4),
        }

    for it in range(args.iters):
        if it and it % args.eval_interval == 0:
            evals.append(evaluate(it))
        t0 = time.perf_counter()
        for group in optimizer.param_groups:
            group["lr"] = lr_at(it, args)
        x, y = (t.to(device) for t in batches())
        grads = train_step(step_model, raw, optimizer, x, y, autocast, args, it)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        step_ms.append(1000 * (time.perf_counter() - t0))
        if args.max_seconds and time.perf_counter() - start > args.max_seconds:
            break
    iters_done = it + 1
    final = evaluate(iters_done)
    evals.append(final)
    timed = step_ms[min(10, len(step_ms) // 2) :]  # skip the first steps (warm-up)
    ms = statistics.median(timed)
    result = {
        "config": {
            k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
        },
        "device": str(device),
        "cpu_bf16": cpu_has_native_bf16(),
        "precision": precision,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "world_size": world,
        "parameters": sum(p.numel() for p in raw.parameters()),
        "iters_done": iters_done,
        "ms_per_iter": round(ms, 2),
        "tokens_per_s": round(args.batch_size * world * args.block_size / ms * 1000),
        "seconds": round(time.perf_counter() - start, 1),
        "evals": evals,
        "train_loss": final["train_loss"],
        "val_loss": final["val_loss"],
    }
    if args.save_state and rank == 0:
        torch.save({"params": raw.state_dict(), "grads": grads}, args.save_state)
    if rank == 0:
        print(json.dumps(result))
    if world > 1:
        dist.destroy_process_group()
    return result


if __name__ == "__main__":
    main()
