"""Every chapter runs top to bottom in smoke mode, without an error.

The notebooks are executed once per test session, by the smoke build of the book
(``smoke_book`` in conftest.py); each test here reads that build's execution cache:
a notebook that ran to the end has a cached execution matching its current code, and
one that failed has its traceback recorded in the cache's project table.
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
def test_notebook_runs_in_smoke_mode(notebook: Path, smoke_book: BuiltBook) -> None:
    try:
        get_cache(smoke_book.cache).match_cache_file(notebook)
        ran = True
    except KeyError:  # no execution of the current code reached the end
        ran = False
    if not ran:
        report = failure_report(notebook, smoke_book)
        pytest.fail(f"{notebook.name} failed in smoke mode.\n{report}", pytrace=False)
