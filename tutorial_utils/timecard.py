"""Measured run times of each chapter, written by ``make timings``.

The numbers live in ``timings.json`` next to this module (shipped with the package
so that Colab shows them too) and are never typed by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tutorial_utils.validate import check_str, describe

__all__ = ["TIMINGS_FILE", "load_timings", "time_card"]

TIMINGS_FILE = Path(__file__).with_name("timings.json")
_REMEDY = "rerun `make timings` to rewrite it"


def load_timings(path: Path | str = TIMINGS_FILE) -> dict[str, Any]:
    """Return the timing records, keyed by notebook name (without ``.ipynb``).

    A missing file means nothing has been measured yet: the result is ``{}``.

    Raises:
        TypeError: if ``path`` is not a path or a str.
        ValueError: if the file is not JSON of the form
            ``{"notebooks": {name: record, ...}}``; the message names the file.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a pathlib.Path or a str; got {describe(path)}")
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path} is not valid JSON ({err}); {_REMEDY}") from None
    records = data.get("notebooks") if isinstance(data, dict) else None
    if not isinstance(records, dict) or not all(
        isinstance(record, dict) for record in records.values()
    ):
        raise ValueError(
            f'{path} must hold {{"notebooks": {{name: record, ...}}}}; '
            f"got {describe(data)}; {_REMEDY}"
        )
    return records


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
    record = records[name]
    gpu = record.get("gpu")
    gpu_text = f"{_duration(gpu['full_s'])} on {gpu['machine']}" if gpu else ""
    if "cpu" not in record:  # `measure_timings.py --gpu` ran, the CPU one not yet
        return (
            f"**Run time:** about {gpu_text} in the default (full) mode; `{name}` "
            "has not been measured on a CPU yet (`make timings` measures it)."
        )
    cpu = record["cpu"]
    text = (
        f"**Run time (measured {cpu['measured']}):** about {_duration(cpu['full_s'])} "
        f"on a {cpu['machine']} in the default (full) mode, "
        f"{_duration(cpu['smoke_s'])} in smoke mode (`BOOK_RUN_MODE=smoke`)"
    )
    if gpu:
        text += f"; {gpu_text}"
    return text + "."


def time_card(name: str) -> Any:
    """A Markdown note with the measured run time of notebook ``name``.

    Example:
        >>> time_card("00_setup")  # doctest: +SKIP

    Raises:
        TypeError: if ``name`` is not a str.
        ValueError: if ``name`` is empty or ends in ``.ipynb``, or ``timings.json``
            is malformed (the message names the file and the notebook).
    """
    check_str("name", name)
    if name.endswith(".ipynb"):
        raise ValueError(
            f"name must be the notebook's name without .ipynb, e.g. "
            f"{name.removesuffix('.ipynb')!r}; got {name!r}"
        )
    from IPython.display import Markdown

    records = load_timings()
    try:
        text = _card_text(name, records)
    except (KeyError, TypeError, ValueError) as err:  # a field missing or mistyped
        raise ValueError(
            f"{TIMINGS_FILE} has a malformed record for {name!r} "
            f"({type(err).__name__}: {err}); {_REMEDY}"
        ) from None
    return Markdown(text)
