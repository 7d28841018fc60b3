"""Argument checks shared by the helpers: each mistake raises one sentence.

Every message names the argument, what it expects and what it got (CONTRIBUTING.md,
"Adding to tutorial_utils"), e.g. ``"seed must be an int; got float 1.5"``.
``bool`` is never accepted as a number; NumPy integers and floats are.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

__all__ = [
    "describe",
    "check_int",
    "check_seed",
    "check_real",
    "check_bool",
    "check_str",
]

SEED_LIMIT = 2**32  # NumPy's legacy global generator accepts seeds below this


def describe(value: Any) -> str:
    """Name the type and a short form of ``value`` for an error message.

    Example:
        >>> describe(1.5)
        'float 1.5'
    """
    if value is None:
        return "None"
    if isinstance(value, np.generic):
        return f"numpy {type(value).__name__} {value.item()!r}"
    if hasattr(value, "shape") and hasattr(value, "dtype"):  # tensors and arrays
        kind = f"{type(value).__name__} of dtype {value.dtype}"
        if tuple(value.shape) == ():
            return f"{kind} holding {value.item()!r}"
        return f"{kind} and shape {tuple(value.shape)}"
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def check_int(
    name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as an ``int`` if it is an integer in ``[minimum, maximum]``.

    Example:
        >>> check_int("n", np.int64(3), minimum=1)
        3

    Raises:
        TypeError: if ``value`` is not an integer (a bool or a float is not).
        ValueError: if it is below ``minimum`` or above ``maximum``.
    """
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}; got {value}")
    return value


def check_seed(name: str, value: Any) -> int:
    """Return ``value`` as an ``int`` if it is a seed in ``[0, 2**32)``.

    Raises:
        TypeError: if ``value`` is not an integer.
        ValueError: if it is negative or does not fit in 32 bits.
    """
    value = check_int(name, value)
    if not 0 <= value < SEED_LIMIT:
        raise ValueError(f"{name} must be in [0, 2**32); got {value}")
    return value


def check_real(name: str, value: Any, *, finite: bool = True) -> float:
    """Return ``value`` as a ``float`` if it is a real number (finite by default).

    Example:
        >>> check_real("lr", np.float32(0.5))
        0.5

    Raises:
        TypeError: if ``value`` is not a real number (a bool or a str is not).
        ValueError: if ``finite`` and ``value`` is NaN or infinite.
    """
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {describe(value)}")
    value = float(value)
    if finite and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}")
    return value


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` as a ``bool`` if it is ``True`` or ``False``.

    Raises:
        TypeError: for anything else, including ``0``, ``1`` and ``None``.
    """
    if not _is_bool(value):
        raise TypeError(f"{name} must be True or False; got {describe(value)}")
    return bool(value)


def check_str(
    name: str, value: Any, *, optional: bool = False, empty: bool = False
) -> str | None:
    """Return ``value`` if it is a str (or ``None`` when ``optional``).

    Raises:
        TypeError: if ``value`` is not a str (nor ``None`` when ``optional``).
        ValueError: if it is empty or blank and ``empty`` is False.
    """
    if value is None and optional:
        return None
    if not isinstance(value, str):
        expected = "a str or None" if optional else "a str"
        raise TypeError(f"{name} must be {expected}; got {describe(value)}")
    if not empty and not value.strip():
        raise ValueError(f"{name} must be a non-empty str; got {value!r}")
    return value
