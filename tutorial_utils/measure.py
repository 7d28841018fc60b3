"""Measurements several chapters make: parameter counts and wall-clock timings."""

from __future__ import annotations

import math
from collections.abc import Callable
from time import perf_counter

import torch
from torch import nn

from tutorial_utils.validate import check_bool, check_int, check_real, describe

__all__ = ["count_parameters", "best_time"]


def count_parameters(module: nn.Module, *, trainable_only: bool = False) -> int:
    """Number of scalars in the parameters of ``module``, each shared tensor once.

    Only shapes are read, so a module built on the ``meta`` device (no memory for
    its weights) is counted as well as a real one.

    Example:
        >>> count_parameters(nn.Linear(3, 2))  # 3 * 2 weights + 2 biases
        8

    Args:
        module: the network or layer to count.
        trainable_only: count only the parameters with ``requires_grad=True``.

    Raises:
        TypeError: if ``module`` is not an ``nn.Module`` or ``trainable_only`` is
            not a bool.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module; got {describe(module)}")
    check_bool("trainable_only", trainable_only)
    # parameters() yields a tensor shared by two layers (tied weights) only once.
    return sum(
        p.numel() for p in module.parameters() if p.requires_grad or not trainable_only
    )


def _synchronize(device: torch.device | None) -> None:
    # GPU kernels run asynchronously: wait for them before reading the clock.
    if device is None:
        return
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def best_time(
    fn: Callable[[], object],
    *,
    repeats: int = 5,
    device: torch.device | str | None = None,
    min_total: float = 0.05,
    max_calls: int = 100,
) -> float:
    """Seconds taken by the fastest of several calls of ``fn()``.

    One untimed warm-up call (memory allocation, library start-up) comes first.
    Then ``fn`` runs at least ``repeats`` times; quick calls go on until they add up
    to ``min_total`` seconds or ``max_calls`` calls, to see past the noise of other
    programs on the machine. The minimum is the least disturbed run.

    Example:
        >>> seconds = best_time(lambda: sum(range(1000)), repeats=3)

    Args:
        fn: the work to time, called without arguments.
        repeats: the least number of timed calls.
        device: where ``fn`` runs its tensor work. On ``cuda`` and ``mps`` the
            device is synchronized before and after each call, otherwise the clock
            would stop when the kernels are launched, not when they finish.
        min_total: keep calling until the timed calls add up to this many seconds.
        max_calls: the most timed calls made to reach ``min_total``.

    Raises:
        TypeError: if ``fn`` is not callable, ``repeats`` or ``max_calls`` is not an
            int, ``min_total`` is not a number or ``device`` is not a device.
        ValueError: if ``repeats`` or ``max_calls`` is below 1, ``max_calls`` is
            below ``repeats``, ``min_total`` is negative or not finite, or ``device``
            names no device type.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable; got {describe(fn)}")
    repeats = check_int("repeats", repeats, minimum=1)
    max_calls = check_int("max_calls", max_calls, minimum=1)
    if max_calls < repeats:
        raise ValueError(
            f"max_calls must be at least repeats ({repeats}); got {max_calls}"
        )
    if check_real("min_total", min_total) < 0:
        raise ValueError(f"min_total must be at least 0 seconds; got {min_total}")
    if isinstance(device, str):
        try:
            device = torch.device(device)
        except RuntimeError as err:
            raise ValueError(
                f"device must name a device such as 'cpu' or 'cuda'; got {device!r}"
            ) from err
    elif device is not None and not isinstance(device, torch.device):
        raise TypeError(
            f"device must be a torch.device, a str or None; got {describe(device)}"
        )

    fn()  # warm-up, not timed
    _synchronize(device)
    best, total, calls = math.inf, 0.0, 0
    while calls < repeats or (total < min_total and calls < max_calls):
        start = perf_counter()
        fn()
        _synchronize(device)
        elapsed = perf_counter() - start
        best, total, calls = min(best, elapsed), total + elapsed, calls + 1
    return best
