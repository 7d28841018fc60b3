"""Every chapter runs top to bottom at full size, without an error: one line each.

nbval executes each notebook once per ``make test`` and reports it cell by cell
(tests/nbval_book.py); a notebook that ran to the end has a cached execution
matching its current code. When pytest runs ``tests/`` alone, the book build
executes the notebooks instead and records a failure's traceback in the cache's
project table, which the test below prints.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from book_toc import toc_notebooks
from conftest import BuiltBook
from jupyter_cache import get_cache

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CELL_ERROR = "An error occurred while executing the following cell"


def failure_report(notebook: Path, book: BuiltBook) -> str:
    """The failing cell and its traceback, as the build recorded them."""
    try:
        traceback = get_cache(book.cache).get_project_record(str(notebook)).traceback
    except KeyError:
        traceback = None
    if not traceback:
        return (
            "no traceback was recorded; the build log ends with:\n" + book.log[-3000:]
        )
    traceback = ANSI.sub("", traceback)
    start = traceback.find(CELL_ERROR)
    return traceback[start:] if start >= 0 else traceback


@pytest.mark.parametrize("notebook", toc_notebooks().values(), ids=lambda p: p.stem)
def test_notebook_runs_at_full_size(notebook: Path, built_book: BuiltBook) -> None:
    from nbval_book import FAILED

    if notebook.stem in FAILED:
        pytest.fail(
            f"{notebook.name} failed under nbval: its failing cell is reported above "
            f"as notebooks/{notebook.name}::Cell N",
            pytrace=False,
        )
    try:
        get_cache(built_book.cache).match_cache_file(notebook)
        ran = True
    except KeyError:  # no execution of the current code reached the end
        ran = False
    if not ran:
        report = failure_report(notebook, built_book)
        pytest.fail(f"{notebook.name} failed at full size.\n{report}", pytrace=False)
