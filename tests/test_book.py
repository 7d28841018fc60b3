"""The book builds with no warning (-W -n --keep-going), every chapter at full size."""

from __future__ import annotations

import json
import re

from book_toc import toc_files
from bs4 import BeautifulSoup
from conftest import BuiltBook


def test_book_builds_without_warnings(built_book: BuiltBook) -> None:
    warnings = [
        line
        for line in built_book.log.splitlines()
        if re.search(r"WARNING:|ERROR:|Traceback", line)
    ]
    assert built_book.returncode == 0 and not warnings, (
        f"jupyter-book build failed (exit {built_book.returncode}); "
        "warnings and errors:\n"
        + "\n".join(warnings[:40])
        + "\n--- end of log ---\n"
        + built_book.log[-3000:]
    )


def test_every_toc_page_is_built(built_book: BuiltBook) -> None:
    missing = [f for f in toc_files() if not (built_book.html / f"{f}.html").exists()]
    assert not missing, f"pages missing from the build: {missing}"


def test_script_dedupe_is_still_needed_and_works(built_book: BuiltBook) -> None:
    """book/_ext/dedupe_scripts.py patches a Jupyter Book 1.0.4 bug (its docstring
    names the versions): fail when the bug is gone, and when the patch stops working.
    """
    report = built_book.html.parent / ".doctrees" / "dedupe_scripts.json"
    assert report.exists(), f"{report} missing: did book/_ext/dedupe_scripts.py run?"
    removed = json.loads(report.read_text(encoding="utf-8"))
    assert removed, (
        "no page had a repeated script: the upstream bug is fixed, so delete "
        "book/_ext/dedupe_scripts.py and its entry in _config.yml"
    )
    repeated = []
    for page in sorted(built_book.html.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        scripts = [
            str(tag.get("src") or tag.get_text()) for tag in soup.find_all("script")
        ]
        scripts = [s for s in scripts if s.strip()]
        twice = {s[:60] for s in scripts if scripts.count(s) > 1}
        if twice:
            repeated.append(f"{page.relative_to(built_book.html)}: {sorted(twice)}")
    assert not repeated, "pages still repeat a script:\n" + "\n".join(repeated[:10])
