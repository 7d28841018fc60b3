"""Measured run times of each chapter, written by ``make timings``.

The numbers live in ``timings.json`` next to this module (shipped with the package
so that Colab shows them too) and are never typed by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["TIMINGS_FILE", "load_timings", "time_card"]

TIMINGS_FILE = Path(__file__).with_name("timings.json")


def load_timings(path: Path = TIMINGS_FILE) -> dict[str, Any]:
    """Return the timing records, keyed by notebook name (without ``.ipynb``)."""
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["notebooks"]


def _duration(seconds: float) -> str:
    """12.3 -> '12 s', 754 -> '13 min', 5400 -> '1 h 30 min'."""
    if round(seconds) < 120:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def _card_text(name: str, records: dict[str, Any]) -> str:
    if name not in records:
        return (
            f"**Run time:** `{name}` has not been measured yet; "
            "`make timings` measures it."
        )
    cpu = records[name]["cpu"]
    text = (
        f"**Run time (measured {cpu['measured']}):** about {_duration(cpu['full_s'])} "
        f"on a {cpu['machine']} in the default (full) mode, "
        f"{_duration(cpu['smoke_s'])} in smoke mode (`BOOK_RUN_MODE=smoke`)"
    )
    gpu = records[name].get("gpu")
    if gpu:
        text += f"; {_duration(gpu['full_s'])} on {gpu['machine']}"
    return text + "."


def time_card(name: str) -> Any:
    """A Markdown note with the measured run time of notebook ``name``.

    Example:
        >>> time_card("00_setup")  # doctest: +SKIP
    """
    from IPython.display import Markdown

    return Markdown(_card_text(name, load_timings()))
