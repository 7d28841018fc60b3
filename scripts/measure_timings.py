"""Measure how long each chapter takes to run and write tutorial_utils/timings.json.

    make timings                                   # every notebook in _toc.yml
    .venv/bin/python scripts/measure_timings.py 03_linear_regression 04_neural_networks
    .venv/bin/python scripts/measure_timings.py --smoke-only
    .venv/bin/python scripts/measure_timings.py --gpu   # on a CUDA machine

Each notebook runs top to bottom in a fresh kernel (nbclient, working directory
notebooks/, as in the book build), once with BOOK_RUN_MODE=full and once with
BOOK_RUN_MODE=smoke; the wall time includes the kernel start. The executed copy is
thrown away: nothing is written into notebooks/. CPU runs force BOOK_DEVICE=cpu so
that a GPU machine still records CPU numbers; ``--gpu`` records only the full run
on the GPU, under "gpu". Records of notebooks not measured now are kept.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from book_toc import ROOT, toc_notebooks
from nbclient import NotebookClient

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import kernel_poll  # noqa: E402  (the book's fix for stalled widget cells)

kernel_poll.install()

TIMINGS = ROOT / "tutorial_utils" / "timings.json"


def run_seconds(path: Path, mode: str, device: str) -> float:
    """Execute ``path`` in a fresh kernel with BOOK_RUN_MODE=mode; wall seconds."""
    os.environ["BOOK_RUN_MODE"] = mode
    os.environ["BOOK_DEVICE"] = device
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=3600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    return round(time.perf_counter() - start, 1)


def cpu_name() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return f"{cores or os.cpu_count()}-core CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", help="notebooks to measure (default: all in _toc.yml)"
    )
    parser.add_argument(
        "--smoke-only", action="store_true", help="re-measure only the smoke runs"
    )
    parser.add_argument(
        "--gpu", action="store_true", help="measure the full runs on the CUDA GPU"
    )
    args = parser.parse_args(argv)

    notebooks = toc_notebooks()
    # A chapter not yet in _toc.yml can be measured by name.
    known = {p.stem: p for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    unknown = sorted(set(args.names) - set(known))
    if unknown:
        parser.error(f"no such notebooks: {unknown}; known: {sorted(known)}")
    notebooks = {**notebooks, **{name: known[name] for name in args.names}}
    if args.gpu:
        import torch

        if not torch.cuda.is_available():
            parser.error("--gpu needs a CUDA GPU; torch sees none")
        gpu_name = f"an {torch.cuda.get_device_name(0)}"

    data = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {"notebooks": {}}
    records = data.setdefault("notebooks", {})
    today = datetime.date.today().isoformat()
    for name in args.names or list(notebooks):
        record = records.setdefault(name, {})
        if args.gpu:
            seconds = run_seconds(notebooks[name], "full", "cuda")
            record["gpu"] = {"full_s": seconds, "measured": today, "machine": gpu_name}
            print(f"{name:<28} full {seconds:8.1f} s on {gpu_name}", flush=True)
        else:
            cpu = record.get("cpu", {})
            if not args.smoke_only or "full_s" not in cpu:
                cpu["full_s"] = run_seconds(notebooks[name], "full", "cpu")
            cpu["smoke_s"] = run_seconds(notebooks[name], "smoke", "cpu")
            cpu.update(measured=today, machine=cpu_name())
            record["cpu"] = {
                k: cpu[k] for k in ("full_s", "smoke_s", "measured", "machine")
            }
            full, smoke = cpu["full_s"], cpu["smoke_s"]
            print(f"{name:<28} full {full:8.1f} s   smoke {smoke:6.1f} s", flush=True)
        # Written after every notebook, so an interrupted run keeps what it measured.
        data["notebooks"] = dict(sorted(records.items()))
        TIMINGS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {TIMINGS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
