"""Assert a measured result against the threshold of the current run mode."""

from __future__ import annotations

import math

from tutorial_utils.runmode import run_mode

__all__ = ["check_metric"]


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
    mode (tests, CI) the looser ``smoke`` threshold applies.

    Example:
        >>> check_metric("test accuracy", 0.97, full=0.96, smoke=0.5)
        0.97

    Raises:
        TypeError: if ``value`` is not a real number.
        ValueError: if ``value`` is NaN.
        AssertionError: if the value misses the threshold; the message names the
            metric, the value, the threshold and the mode.
    """
    if isinstance(value, (bool, str, bytes)):
        raise TypeError(
            f"value of {name!r} must be a real number; got {type(value).__name__}"
        )
    if not isinstance(value, (int, float)):
        try:
            value = float(value)  # numpy scalars and 0-d tensors
        except (TypeError, ValueError):
            raise TypeError(
                f"value of {name!r} must be a real number; got {type(value).__name__}"
            ) from None
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} is NaN: training diverged or the metric is broken")
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
