"""Tests of tutorial_utils.measure: parameter counts and best-of-n timing."""

from __future__ import annotations

import time

import pytest
import torch
from torch import nn

from tutorial_utils import measure
from tutorial_utils.measure import best_time, count_parameters


@pytest.mark.parametrize("n_in, n_out", [(1, 1), (3, 2), (64, 10), (7, 129)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_count_is_its_closed_form(n_in: int, n_out: int, bias: bool) -> None:
    layer = nn.Linear(n_in, n_out, bias=bias)
    assert count_parameters(layer) == n_in * n_out + (n_out if bias else 0)


@pytest.mark.parametrize(
    "c_in, c_out, k, groups", [(1, 6, 5, 1), (3, 96, 11, 1), (96, 256, 5, 2)]
)
def test_conv_count_is_its_closed_form(c_in: int, c_out: int, k: int, groups: int):
    layer = nn.Conv2d(c_in, c_out, k, groups=groups)
    assert count_parameters(layer) == c_out * (c_in // groups * k * k + 1)


def test_trainable_only_leaves_out_frozen_parts() -> None:
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    assert count_parameters(model, trainable_only=True) == 15 + 8
    model[0].requires_grad_(False)  # a frozen backbone, as in a linear probe
    assert count_parameters(model) == 15 + 8
    assert count_parameters(model, trainable_only=True) == 8
    model[2].bias.requires_grad_(False)
    assert count_parameters(model, trainable_only=True) == 6


def test_meta_device_and_shared_weights() -> None:
    with torch.device("meta"):  # 10^10 weights: only shapes, no memory
        huge = nn.Linear(100_000, 100_000)
    assert huge.weight.is_meta
    assert count_parameters(huge) == 100_000**2 + 100_000
    embed, head = nn.Embedding(50, 8), nn.Linear(8, 50, bias=False)
    head.weight = embed.weight  # tied weights are one tensor, counted once
    assert count_parameters(nn.ModuleList([embed, head])) == 50 * 8


def test_count_parameters_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match=r"Module; got Tensor of dtype .* \(3,\)"):
        count_parameters(torch.zeros(3))
    with pytest.raises(
        TypeError, match="trainable_only must be True or False; got str 'yes'"
    ):
        count_parameters(nn.Linear(2, 2), trainable_only="yes")


class FakeClock:
    """A clock that only moves when the timed work runs, by the given durations."""

    def __init__(self, durations: list[float]) -> None:
        self.now, self.durations, self.calls = 0.0, iter(durations), 0

    def __call__(self) -> float:
        return self.now

    def work(self) -> None:
        self.calls += 1
        self.now += next(self.durations)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    def install(durations: list[float]) -> FakeClock:
        fake = FakeClock(durations)
        monkeypatch.setattr(measure, "perf_counter", fake)
        return fake

    return install


def test_best_time_is_the_minimum_after_a_warm_up(clock) -> None:
    fake = clock([8.0, 0.75, 0.25, 0.5])  # the slow warm-up is not timed
    assert best_time(fake.work, repeats=3, min_total=0.0) == 0.25
    assert fake.calls == 1 + 3


def test_best_time_repeats_quick_calls_up_to_min_total(clock) -> None:
    fake = clock([1.0] + [0.25] * 10)
    assert best_time(fake.work, repeats=2, min_total=1.0) == 0.25
    assert fake.calls == 1 + 4  # 4 x 0.25 s reach min_total
    fake = clock([1.0] + [0.001] * 20)
    best_time(fake.work, repeats=2, min_total=1.0, max_calls=7)
    assert fake.calls == 1 + 7  # max_calls stops the loop first
    fake = clock([1.0] + [2.0] * 5)
    best_time(fake.work, repeats=3, min_total=1.0)
    assert fake.calls == 1 + 3  # slow calls: repeats alone


def test_best_time_synchronizes_the_device(monkeypatch, clock) -> None:
    events: list[str] = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda d: events.append("sync"))
    fake = clock([0.5] * 3)

    def work() -> None:
        events.append("call")
        fake.work()

    best_time(work, repeats=2, device="cuda", min_total=0.0)
    assert events == ["call", "sync"] * 3  # the clock stops after the device
    events.clear()
    fake = clock([0.5] * 3)
    best_time(work, repeats=2, device=torch.device("cpu"), min_total=0.0)
    assert events == ["call"] * 3


def test_best_time_with_the_real_clock() -> None:
    seconds = best_time(lambda: time.sleep(0.01), repeats=2, min_total=0.0)
    assert 0.01 <= seconds < 1.0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"fn": 3}, TypeError, "fn must be callable; got int 3"),
        ({"repeats": 0}, ValueError, "repeats must be at least 1; got 0"),
        ({"repeats": 2.0}, TypeError, "repeats must be an int; got float 2.0"),
        ({"max_calls": 0}, ValueError, "max_calls must be at least 1; got 0"),
        ({"repeats": 5, "max_calls": 3}, ValueError, r"at least repeats \(5\); got 3"),
        ({"min_total": -1}, ValueError, "min_total must be at least 0 seconds; got -1"),
        ({"min_total": float("nan")}, ValueError, "min_total must be a finite number"),
        ({"min_total": "1"}, TypeError, "min_total must be a real number; got str '1'"),
        ({"device": "gpu"}, ValueError, "device must name a device .*got 'gpu'"),
        (
            {"device": 0},
            TypeError,
            "device must be a torch.device, a str or None; got int 0",
        ),
    ],
)
def test_best_time_rejects_bad_input(kwargs: dict, error: type, match: str) -> None:
    calls: list[None] = []
    arguments = {"fn": lambda: calls.append(None), **kwargs}
    with pytest.raises(error, match=match):
        best_time(arguments.pop("fn"), **arguments)
    assert calls == []  # checked before anything runs


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_best_time_waits_for_the_gpu() -> None:
    n = 4096
    A = torch.randn(n, n, device="cuda")  # (n, n)
    seconds = best_time(lambda: A @ A, repeats=3, device="cuda")
    # 2n^3 FLOPs at under 1 PFLOP/s take > 0.1 ms; a launch alone takes ~10 us.
    assert seconds > 2 * n**3 / 1e15
