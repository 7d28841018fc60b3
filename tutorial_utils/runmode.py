"""The run-size switch: ``full`` for readers (the default), ``smoke`` for tests and CI.

Set it with the environment variable ``BOOK_RUN_MODE``, e.g.
``BOOK_RUN_MODE=smoke jupyter lab``.
"""

from __future__ import annotations

import os
from typing import TypeVar

__all__ = ["RUN_MODE_ENV_VAR", "RUN_MODES", "run_mode", "is_smoke", "by_mode"]

RUN_MODE_ENV_VAR = "BOOK_RUN_MODE"
RUN_MODES = ("full", "smoke")
T = TypeVar("T")


def run_mode() -> str:
    """Return the current run mode, ``"full"`` unless ``BOOK_RUN_MODE`` says otherwise.

    Raises:
        ValueError: if ``BOOK_RUN_MODE`` holds something other than full or smoke.
    """
    mode = os.environ.get(RUN_MODE_ENV_VAR, "full").strip().lower() or "full"
    if mode not in RUN_MODES:
        raise ValueError(
            f"{RUN_MODE_ENV_VAR} must be one of {', '.join(RUN_MODES)} (unset means "
            f"full); got {os.environ[RUN_MODE_ENV_VAR]!r}"
        )
    return mode


def is_smoke() -> bool:
    """Return True when running in the shrunken ``smoke`` mode.

    Raises:
        ValueError: if ``BOOK_RUN_MODE`` holds something other than full or smoke.
    """
    return run_mode() == "smoke"


def by_mode(full: T, smoke: T) -> T:
    """Return ``full`` or ``smoke`` depending on the run mode.

    Example:
        >>> epochs = by_mode(full=30, smoke=2)

    Raises:
        ValueError: if ``BOOK_RUN_MODE`` holds something other than full or smoke.
    """
    return smoke if is_smoke() else full
