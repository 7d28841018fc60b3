"""Assert a measured result against the threshold of the current run mode."""

from __future__ import annotations

import math
from typing import Any

from tutorial_utils.runmode import run_mode
from tutorial_utils.validate import check_bool, check_real, check_str, describe

__all__ = ["check_metric"]


def _as_float(name: str, value: Any) -> float:
    """``value`` as a float: numbers, NumPy scalars and one-element tensors."""
    message = f"value of {name!r} must be a real number; got {describe(value)}"
    is_bool = str(getattr(value, "dtype", "")) in ("bool", "torch.bool")
    if is_bool or isinstance(value, (bool, str, bytes)):
        raise TypeError(message)
    try:
        return float(value)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(message) from None


def check_metric(
    name: str,
    value: float,
    *,
    full: float,
    smoke: float,
    higher_is_better: bool = True,
) -> float:
    """Check ``value`` against the threshold for the current run mode and return it.

    In ``full`` mode (what a reader runs) the ``full`` threshold applies; in ``smoke``
    mode (tests, CI) the ``smoke`` threshold applies, which may be looser but never
    stricter. Both thresholds are checked in both modes, so a typo in the one that
    is not running is caught too.

    Example:
        >>> check_metric("test accuracy", 0.97, full=0.96, smoke=0.5)
        0.97

    Raises:
        TypeError: if ``name`` is not a str, ``value``, ``full`` or ``smoke`` not a
            real number, or ``higher_is_better`` not a bool.
        ValueError: if ``name`` is empty, ``value`` is NaN or infinite, a threshold
            is not finite, the smoke threshold is stricter than the full one, or
            ``BOOK_RUN_MODE`` is invalid.
        AssertionError: if the value misses the threshold; the message names the
            metric, the value, the threshold and the mode.
    """
    check_str("name", name)
    value = _as_float(name, value)
    full = check_real(f"full (the full-mode threshold of {name!r})", full)
    smoke = check_real(f"smoke (the smoke-mode threshold of {name!r})", smoke)
    higher_is_better = check_bool("higher_is_better", higher_is_better)
    if math.isnan(value):
        raise ValueError(f"{name} is NaN: training diverged or the metric is broken")
    if math.isinf(value):
        raise ValueError(
            f"{name} is {value}: training diverged or the metric is broken"
        )
    if (smoke > full) if higher_is_better else (smoke < full):
        bound = "at most" if higher_is_better else "at least"
        raise ValueError(
            f"smoke threshold of {name!r} must be {bound} the full threshold "
            f"{full} (smoke mode is the shorter run); got smoke={smoke}"
        )
    mode = run_mode()
    threshold = full if mode == "full" else smoke
    ok = value >= threshold if higher_is_better else value <= threshold
    if not ok:
        relation = "below" if higher_is_better else "above"
        raise AssertionError(
            f"{name} = {value:.4f} is {relation} the {mode}-mode threshold "
            f"{threshold:.4f}"
        )
    return value
