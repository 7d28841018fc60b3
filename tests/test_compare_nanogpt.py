"""benchmarks/compare_nanogpt.py end to end, against a stand-in for a nanoGPT checkout.

The stand-in reads its configuration the way nanoGPT's ``train.py`` does (module
defaults, then ``configurator.py`` executing the file named on the command line),
loads the data files the way nanoGPT does, records what it received and prints
nanoGPT's log lines with known step times. No nanoGPT code is in this repository.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from book_toc import ROOT

from tutorial_utils.text import load_char_corpus

SCRIPT = ROOT / "benchmarks" / "compare_nanogpt.py"

CONFIGURATOR = """
import sys
from ast import literal_eval

for arg in sys.argv[1:]:
    if "=" not in arg:
        exec(open(arg).read())
    else:
        key, value = arg.removeprefix("--").split("=", 1)
        globals()[key] = literal_eval(value)
"""

TRAIN = """
import json, os, pickle
import numpy as np

# nanoGPT's defaults, which the harness must override
out_dir, dataset, eval_interval, log_interval, eval_iters = "out", "owt", 2000, 1, 200
n_layer, n_head, n_embd, block_size, batch_size = 12, 12, 768, 1024, 12
gradient_accumulation_steps, dropout, bias = 40, 0.0, False
learning_rate, max_iters, lr_decay_iters, min_lr = 6e-4, 600000, 600000, 6e-5
weight_decay, beta1, beta2, grad_clip, warmup_iters = 1e-1, 0.9, 0.95, 1.0, 2000
device, dtype, compile, decay_lr = "cuda", "bfloat16", True, True
always_save_checkpoint, wandb_log, init_from = True, False, "scratch"
config_keys = [k for k, v in globals().items()
               if not k.startswith("_") and isinstance(v, (int, float, bool, str))]
exec(open("configurator.py").read())
config = {k: globals()[k] for k in config_keys}

data_dir = os.path.join("data", dataset)
train = np.memmap(os.path.join(data_dir, "train.bin"), dtype=np.uint16, mode="r")
val = np.memmap(os.path.join(data_dir, "val.bin"), dtype=np.uint16, mode="r")
with open(os.path.join(data_dir, "meta.pkl"), "rb") as f:
    meta = pickle.load(f)
assert meta["vocab_size"] == len(meta["stoi"]) == len(meta["itos"])
assert all(meta["stoi"][c] == i for i, c in meta["itos"].items())
assert max(int(train.max()), int(val.max())) < meta["vocab_size"]
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "seen.json"), "w") as f:
    json.dump({"config": config, "train": train.tolist(), "val": val.tolist(),
               "itos": [meta["itos"][i] for i in range(meta["vocab_size"])]}, f)

print("step 0: train loss 4.6000, val loss 4.6100")
for it in range(max_iters + 1):  # nanoGPT's loop runs max_iters + 1 steps
    ms = 1000.0 if it == 0 else 30.0 + it % 3  # the first includes the evaluation
    print(f"iter {it}: loss 2.0000, time {ms:.2f}ms, mfu -100.00%")
print(f"step {max_iters}: train loss 2.1000, val loss 2.2000")
"""


@pytest.fixture
def nanogpt(tmp_path: Path) -> Path:
    checkout = tmp_path / "nanoGPT"
    checkout.mkdir()
    (checkout / "configurator.py").write_text(CONFIGURATOR)
    (checkout / "train.py").write_text(TRAIN)
    (checkout / "model.py").write_text("# the harness runs train.py only\n")
    return checkout


def test_both_run_on_the_same_data_and_the_ratio_is_printed(
    nanogpt: Path, tmp_path: Path
) -> None:
    iters, max_chars, work = 4, 5000, tmp_path / "work"
    result = subprocess.run(
        [
            sys.executable, str(SCRIPT), "--nanogpt", str(nanogpt),
            "--iters", str(iters), "--max-chars", str(max_chars),
            "--precision", "fp32", "--work-dir", str(work),
        ],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    summary = json.loads(lines[-1])

    # nanoGPT's steps after warm-up took 32, 30, 31 ms: the median is 31
    assert summary["nanogpt"] == {"ms_per_iter": 31.0, "iters_done": iters + 1,
                                  "val_loss": 2.2}  # fmt: skip
    (book,) = summary["book"]
    assert book["precision"] == "fp32" and book["iters_done"] == iters
    assert book["ratio"] == round(31.0 / book["ms_per_iter"], 3)
    printed = re.search(r"ratio nanoGPT/book ([\d.]+)", result.stdout)
    assert printed and float(printed.group(1)) == round(book["ratio"], 2)

    seen = json.loads((work / "out" / "seen.json").read_text())
    config = seen["config"]
    expected = {
        "n_layer": 4, "n_head": 4, "n_embd": 128, "block_size": 64,
        "batch_size": 12, "gradient_accumulation_steps": 1, "bias": True,
        "dropout": 0.0, "learning_rate": 1e-3, "min_lr": 1e-4, "beta2": 0.99,
        "weight_decay": 0.1, "grad_clip": 1.0, "max_iters": iters,
        "lr_decay_iters": iters, "warmup_iters": iters - 1, "eval_interval": iters,
        "device": "cpu", "compile": False, "dtype": "float32",
    }  # fmt: skip
    assert {k: config[k] for k in expected} == expected

    corpus = load_char_corpus(max_chars=max_chars)
    assert seen["train"] == corpus.train_ids.tolist()
    assert seen["val"] == corpus.val_ids.tolist()
    assert tuple(seen["itos"]) == corpus.vocab


def load_harness():
    spec = importlib.util.spec_from_file_location("compare_nanogpt", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_nanogpts_own_log_lines_are_parsed() -> None:
    harness = load_harness()
    log = (
        "step 0: train loss 4.6340, val loss 4.6305\n"
        "iter 0: loss 4.6302, time 1203.41ms, mfu -100.00%\n"
        "iter 1: loss 4.5121, time 34.98ms, mfu -100.00%\n"
    )
    steps = [float(ms) for _, _, ms in harness.ITER_LINE.findall(log)]
    assert steps == [1203.41, 34.98]
    assert harness.EVAL_LINE.findall(log) == [("0", "4.6340", "4.6305")]


@pytest.mark.parametrize("missing", ["train.py", "model.py", "configurator.py"])
def test_a_path_that_is_not_a_nanogpt_checkout_is_refused(
    nanogpt: Path, missing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (nanogpt / missing).unlink()
    with pytest.raises(SystemExit):
        load_harness().parse_args(["--nanogpt", str(nanogpt)])
    assert f"{nanogpt} has no {missing}" in capsys.readouterr().err
