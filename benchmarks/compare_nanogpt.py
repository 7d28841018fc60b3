"""Time nanoGPT and the book's GPT in the same run, on the same data; print the ratio.

    python benchmarks/compare_nanogpt.py --nanogpt ~/src/nanoGPT
    python benchmarks/compare_nanogpt.py --nanogpt ~/src/nanoGPT --iters 500

Nothing is fetched: ``--nanogpt`` is a checkout of https://github.com/karpathy/nanoGPT
(its ``train.py``, ``model.py`` and ``configurator.py`` are used as they are). The
book's corpus and split (``load_char_corpus``: train, then validation) are written
in the format of nanoGPT's ``data/shakespeare_char/prepare.py`` (``train.bin`` and
``val.bin`` as uint16 ids, ``meta.pkl`` with ``vocab_size``, ``stoi``, ``itos``)
into a temporary directory, so both models train on the same characters with the
same ids. Both get one configuration (``CONFIG`` below, the defaults of
``benchmarks/char_lm.py``). nanoGPT runs eagerly in fp32 (``compile=False``, and it
never autocasts on a CPU) and evaluates only at the start and the end, so its
evaluation does not enter the median. The result is the ratio of the median
milliseconds per training step, nanoGPT's over the book's: above 1, the book's GPT is
faster. Timings drift by 15 % over hours on shared machines, so only ratios measured
in one run are compared.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout

from tutorial_utils.text import load_char_corpus  # noqa: E402

# One configuration, written once: the book's flag -> (nanoGPT's name, value).
CONFIG = {
    "--n-layer": ("n_layer", 4),
    "--n-head": ("n_head", 4),
    "--d-model": ("n_embd", 128),  # nanoGPT's FFN is 4 * n_embd, as the book's
    "--block-size": ("block_size", 64),
    "--batch-size": ("batch_size", 12),
    "--lr": ("learning_rate", 1e-3),
    "--min-lr": ("min_lr", 1e-4),
    "--weight-decay": ("weight_decay", 0.1),
    "--grad-clip": ("grad_clip", 1.0),
    "--seed": (None, 1337),  # nanoGPT seeds 1337 itself
}
NANOGPT_FIXED = {
    "dataset": "book_chars",
    "out_dir": "out",
    "gradient_accumulation_steps": 1,
    "dropout": 0.0,
    "bias": True,  # the book's GPT has biases in its linear and norm layers
    "beta1": 0.9,
    "beta2": 0.99,
    "decay_lr": True,
    "log_interval": 1,
    "eval_iters": 20,
    "always_save_checkpoint": False,
    "wandb_log": False,
    "init_from": "scratch",
    "compile": False,
    "dtype": "float32",
}
NANOGPT_FILES = ("train.py", "model.py", "configurator.py")
ITER_LINE = re.compile(r"^iter (\d+): loss ([\d.]+), time ([\d.]+) ?ms", re.M)
EVAL_LINE = re.compile(r"^step (\d+): train loss ([\d.]+), val loss ([\d.]+)", re.M)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--nanogpt", type=Path, required=True, help="nanoGPT checkout")
    p.add_argument("--iters", type=int, default=2000)
    p.add_argument(
        "--precision", nargs="+", choices=["auto", "fp32", "bf16"],
        default=["auto", "fp32"], help="the book's runs (nanoGPT runs fp32)",
    )  # fmt: skip
    p.add_argument("--device", default="cpu", help="both runs; default cpu")
    p.add_argument("--max-chars", type=int, default=None, help="a shorter corpus")
    p.add_argument("--python", default=sys.executable, help="runs nanoGPT")
    p.add_argument("--work-dir", type=Path, default=None, help="keep the data here")
    args = p.parse_args(argv)
    missing = [f for f in NANOGPT_FILES if not (args.nanogpt / f).is_file()]
    if missing:
        p.error(
            f"--nanogpt must be a nanoGPT checkout with {', '.join(NANOGPT_FILES)}; "
            f"{args.nanogpt} has no {', '.join(missing)}"
        )
    if args.iters < 2:
        p.error(f"--iters must be at least 2; got {args.iters}")
    return args


def prepare_data(folder: Path, max_chars: int | None) -> int:
    """The book's train and validation ids in nanoGPT's format; the vocabulary size."""
    corpus = load_char_corpus(max_chars=max_chars)
    folder.mkdir(parents=True, exist_ok=True)
    corpus.train_ids.numpy().astype(np.uint16).tofile(folder / "train.bin")
    corpus.val_ids.numpy().astype(np.uint16).tofile(folder / "val.bin")
    meta = {
        "vocab_size": corpus.vocab_size,
        "itos": dict(enumerate(corpus.vocab)),
        "stoi": dict(corpus.stoi),
    }
    with open(folder / "meta.pkl", "wb") as f:
        pickle.dump(meta, f)
    return corpus.vocab_size


def warmup_steps(iters: int) -> int:
    return min(100, iters - 1)  # the book's default, shortened for short runs


def nanogpt_config(args: argparse.Namespace) -> dict:
    config = {name: value for name, value in CONFIG.values() if name}
    config |= NANOGPT_FIXED | {
        "device": args.device,
        "max_iters": args.iters,
        "lr_decay_iters": args.iters,
        "warmup_iters": warmup_steps(args.iters),
        "eval_interval": args.iters,  # evaluate at the start and the end only
    }
    return config


def run(command: list[str], cwd: Path, what: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE")}
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{what} failed ({' '.join(command)}):\n{result.stderr}")
    return result.stdout


def skip_warmup(steps: list[float]) -> list[float]:
    """The steps char_lm.py times too: all but the first ten (or first half)."""
    return steps[min(10, len(steps) // 2) :]


def run_nanogpt(args: argparse.Namespace, work: Path) -> dict:
    config_file = work / "book_config.py"
    config_file.write_text(
        "".join(f"{k} = {v!r}\n" for k, v in nanogpt_config(args).items())
    )
    shutil.copy(args.nanogpt / "configurator.py", work)  # train.py opens it from cwd
    command = [args.python, str(args.nanogpt.resolve() / "train.py"), str(config_file)]
    out = run(command, work, "nanoGPT's train.py")
    steps = [float(ms) for _, _, ms in ITER_LINE.findall(out)]
    if len(steps) < 2:
        raise SystemExit(f"no 'iter N: loss X, time Y ms' lines in:\n{out[-2000:]}")
    evals = EVAL_LINE.findall(out)
    return {
        "ms_per_iter": round(statistics.median(skip_warmup(steps)), 2),
        "iters_done": len(steps),
        "val_loss": float(evals[-1][2]) if evals else None,
    }


def run_book(args: argparse.Namespace, work: Path, precision: str) -> dict:
    command = [sys.executable, str(ROOT / "benchmarks" / "char_lm.py")]
    command += [
        str(part) for flag, (_, value) in CONFIG.items() for part in (flag, value)
    ]
    command += [
        "--iters", str(args.iters), "--warmup", str(warmup_steps(args.iters)),
        "--eval-interval", str(args.iters), "--device", args.device,
        "--precision", precision,
    ]  # fmt: skip
    if args.max_chars:
        command += ["--max-chars", str(args.max_chars)]
    out = run(command, work, "benchmarks/char_lm.py")
    result = json.loads(out.strip().splitlines()[-1])
    keep = ("precision", "ms_per_iter", "iters_done", "val_loss", "threads", "torch")
    return {key: result[key] for key in keep}


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="compare-nanogpt-") as tmp:
        work = args.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        vocab = prepare_data(work / "data" / NANOGPT_FIXED["dataset"], args.max_chars)
        nano = run_nanogpt(args, work)
        book = [run_book(args, work, precision) for precision in args.precision]
    print(
        f"same run, {args.iters} iterations, vocabulary {vocab}, device {args.device}"
    )
    print(f"nanoGPT train.py (fp32, eager): {nano['ms_per_iter']:.2f} ms/step")
    for run_ in book:
        run_["ratio"] = round(nano["ms_per_iter"] / run_["ms_per_iter"], 3)
        print(
            f"book char_lm.py ({run_['precision']}): {run_['ms_per_iter']:.2f} ms/step"
            f", ratio nanoGPT/book {run_['ratio']:.2f}"
        )
    summary = {
        "iters": args.iters,
        "device": args.device,
        "nanogpt": nano,
        "book": book,
    }
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
