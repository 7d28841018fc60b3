"""The book builds in smoke mode with no warning (-W -n --keep-going)."""

from __future__ import annotations

import re

from conftest import BuiltBook, toc_files


def test_book_builds_without_warnings(smoke_book: BuiltBook) -> None:
    warnings = [
        line
        for line in smoke_book.log.splitlines()
        if re.search(r"WARNING:|ERROR:|Traceback", line)
    ]
    assert smoke_book.returncode == 0 and not warnings, (
        f"jupyter-book build failed (exit {smoke_book.returncode}); "
        "warnings and errors:\n"
        + "\n".join(warnings[:40])
        + "\n--- end of log ---\n"
        + smoke_book.log[-3000:]
    )


def test_every_toc_page_is_built(smoke_book: BuiltBook) -> None:
    missing = [f for f in toc_files() if not (smoke_book.html / f"{f}.html").exists()]
    assert not missing, f"pages missing from the build: {missing}"
