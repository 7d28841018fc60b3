"""The time card's numbers: measured for every chapter, and still about right.

``make timings`` (scripts/measure_timings.py) writes tutorial_utils/timings.json.
nbval has just executed every notebook at full size in this test session and the
execution cache recorded how long each took, so no notebook runs again here.
A run more than three times slower than its full-size record fails: the machines
are noisy, but a chapter that grew that much needs its card re-measured.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from book_toc import toc_notebooks
from conftest import BuiltBook
from jupyter_cache import get_cache

from tutorial_utils.timecard import load_timings

SLOWDOWN_ALLOWED = 3.0
CPU_FIELDS = {"full_s", "smoke_s", "measured", "machine"}
NOTEBOOKS = list(toc_notebooks().values())


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_a_timing_record(notebook: Path) -> None:
    record = load_timings().get(notebook.stem)
    assert record, (
        f"tutorial_utils/timings.json has no record for {notebook.stem}; "
        f"run `make timings` or scripts/measure_timings.py {notebook.stem}"
    )
    missing = CPU_FIELDS - set(record.get("cpu", {}))
    assert not missing, f"{notebook.stem}: cpu record lacks {sorted(missing)}"
    assert record["cpu"]["full_s"] > 0 and record["cpu"]["smoke_s"] > 0
    if "gpu" in record:
        assert {"full_s", "machine"} <= set(record["gpu"]), (
            f"{notebook.stem}: a gpu record needs full_s and machine"
        )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_full_run_within_three_times_its_record(
    notebook: Path, built_book: BuiltBook
) -> None:
    recorded = load_timings().get(notebook.stem, {}).get("cpu", {}).get("full_s")
    if recorded is None:
        pytest.fail(
            f"{notebook.stem} has no recorded full-size time; run `make timings`"
        )
    try:
        record = get_cache(built_book.cache).match_cache_file(notebook)
    except KeyError:
        pytest.fail(
            f"the cache has no execution of {notebook.name} matching its "
            "current code (it failed: see tests/test_execution.py)"
        )
    seconds = record.data["execution_seconds"]
    assert seconds <= SLOWDOWN_ALLOWED * recorded, (
        f"{notebook.stem} took {seconds:.1f} s at full size, more than "
        f"{SLOWDOWN_ALLOWED:g} x its recorded {recorded:.1f} s; make it faster or "
        f"re-measure with scripts/measure_timings.py {notebook.stem}"
    )
