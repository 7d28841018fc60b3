"""Tests for tutorial_utils.char_lm (the engine of benchmarks/char_lm.py): the
schedule, precision choice (CPU and GPU), argument errors, the whole-split loss, a
short run, and data-parallel training under torchrun equal to one process."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from tutorial_utils import char_lm
from tutorial_utils.gpt import GPT, GPTConfig

ROOT = Path(__file__).resolve().parents[1]
TINY = ["--n-layer", "1", "--d-model", "32", "--max-chars", "20000"]


def test_schedule_warms_up_then_decays_to_min_lr() -> None:
    args = char_lm.parse_args(["--iters", "200", "--warmup", "10"])
    rates = [char_lm.lr_at(it, args) for it in range(201)]
    assert rates[0] == pytest.approx(1e-3 / 11) and rates[9] == pytest.approx(
        1e-3 * 10 / 11
    )
    assert rates[10] == pytest.approx(1e-3) and rates[200] == pytest.approx(1e-4)
    assert rates[105] == pytest.approx((1e-3 + 1e-4) / 2)  # half-way down the cosine
    assert all(a >= b for a, b in zip(rates[10:], rates[11:], strict=False))


def test_precision_follows_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    cpu = torch.device("cpu")
    assert char_lm.choose_precision("fp32", cpu) == "fp32"
    monkeypatch.setattr(torch.cpu, "get_capabilities", lambda: {"avx512_bf16": True})
    assert char_lm.choose_precision("auto", cpu) == "bf16"
    monkeypatch.setattr(torch.cpu, "get_capabilities", lambda: {"avx2": True})
    assert char_lm.choose_precision("auto", cpu) == "fp32"


@pytest.mark.parametrize(
    ("capability", "expected"), [((7, 5), "fp32"), ((8, 0), "bf16")]
)
def test_precision_follows_the_gpu(
    monkeypatch: pytest.MonkeyPatch, capability: tuple[int, int], expected: str
) -> None:
    """A T4 (7.5) says is_bf16_supported() but only emulates bf16: fp32 there."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda *a: capability)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert char_lm.choose_precision("auto", torch.device("cuda")) == expected
    assert char_lm.choose_precision("fp32", torch.device("cuda")) == "fp32"


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--d-model", "130", "--n-head", "4"], "not divisible"),
        (["--iters", "50", "--warmup", "50"], "--warmup"),
        (["--lr", "1e-4", "--min-lr", "1e-3"], "exceeds"),
        (["--iters", "0"], "must be >= 1"),
        (["--lr", "nan"], "finite"),
        (["--precision", "fp16"], "invalid choice"),
    ],
)
def test_bad_arguments_name_the_knob(argv, message, capsys) -> None:
    with pytest.raises(SystemExit):
        char_lm.parse_args(argv)
    assert message in capsys.readouterr().err


def test_mean_loss_covers_every_window() -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=7, d=8, h=2, d_ff=16, n_layers=1, block_size=5))
    ids = torch.randint(0, 7, (23,))  # windows start at 0, 5, 10, 15 (17 needs 24)
    X = torch.stack([ids[s : s + 5] for s in (0, 5, 10, 15)])
    Y = torch.stack([ids[s + 1 : s + 6] for s in (0, 5, 10, 15)])
    expected = F.cross_entropy(model(X)[0].flatten(0, 1), Y.flatten()).item()
    got = char_lm.mean_loss(model, ids, 5, torch.device("cpu"))
    assert got == pytest.approx(expected, rel=1e-6)


def test_short_run_learns_and_reports(capsys) -> None:
    result = char_lm.main(
        ["--iters", "60", "--warmup", "5", "--eval-interval", "30", *TINY]
    )
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed == result and result["iters_done"] == 60
    assert [e["iter"] for e in result["evals"]] == [30, 60]
    assert result["val_loss"] < math.log(103) - 0.8  # well below uniform guessing
    assert result["tokens_per_s"] > 0 and result["parameters"] > 0


def run_state(tmp_path: Path, name: str, batch: int, processes: int) -> dict:
    """One optimizer step (no warm-up) of a tiny GPT; its weights and gradients."""
    out = tmp_path / f"{name}.pt"
    args = ["-m", "tutorial_utils.char_lm", "--iters", "1", "--warmup", "0"]
    args += ["--batch-size", str(batch), "--precision", "fp32"]
    args += ["--save-state", str(out), *TINY]
    if processes > 1:
        launcher = ["-m", "torch.distributed.run", "--standalone"]
        args = [*launcher, "--nproc-per-node", str(processes), *args]
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True, capture_output=True)
    return torch.load(out)


def biggest_gap(a: list, b: list) -> float:
    return max((x - y).abs().max().item() for x, y in zip(a, b, strict=True))


def test_two_processes_equal_one_on_the_same_global_batch(tmp_path: Path) -> None:
    one = run_state(tmp_path, "one", batch=8, processes=1)
    two = run_state(tmp_path, "two", batch=4, processes=2)  # 2 x 4 = the same 8
    half = run_state(tmp_path, "half", batch=4, processes=1)  # rank 0's share only
    for a, b in zip(one["grads"], two["grads"], strict=True):
        torch.testing.assert_close(b, a, atol=1e-6, rtol=1e-5)
    # AdamW's first step is about lr * sign(g) with lr = 1e-3, so a gradient the
    # size of float rounding may move a weight by part of a step (1e-5 measured)
    for key, value in one["params"].items():
        torch.testing.assert_close(two["params"][key], value, atol=1e-4, rtol=0)
    # rank 0's share alone gives other gradients and another step
    assert biggest_gap(one["grads"], half["grads"]) > 1e-3
    params = [list(run["params"].values()) for run in (one, half)]
    assert biggest_gap(*params) > 1e-3
