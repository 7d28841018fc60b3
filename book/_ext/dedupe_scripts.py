"""Drop repeated inline scripts from every page (a Sphinx extension of this book).

For: jupyter-book 1.0.4.post1 with Sphinx 7.4.7, sphinx-thebe 0.3.1 and
sphinx-togglebutton 0.4.5 (the versions requirements.txt pins). There the inline
configuration scripts of sphinx-thebe and sphinx-togglebutton are added once
through Sphinx's registry and once more straight to the HTML builder, so each page
declares ``const THEBE_JS_URL`` twice and the browser reports a SyntaxError.

Checked by tests/test_book.py: the build writes how many repeats it removed to
``<doctrees>/dedupe_scripts.json``; the test fails when that is zero (an upgrade
fixed it upstream: delete this extension) and when a built page still repeats a
script (this fix stopped working). tests/test_browser.py fails on any script error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPORT = "dedupe_scripts.json"


def _drop_repeats(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for script in scripts:
        attributes = getattr(script, "attributes", {})
        key = (
            str(getattr(script, "filename", script) or ""),
            tuple(sorted((k, str(v)) for k, v in attributes.items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    removed = len(scripts) - len(unique)
    if removed:
        app._dedupe_removed[pagename] = removed
    scripts[:] = unique


def _write_report(app: Any, exception: Exception | None) -> None:
    if exception is None:
        path = Path(app.doctreedir) / REPORT
        path.write_text(json.dumps(app._dedupe_removed, indent=1), encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app._dedupe_removed = {}
    # Late priority: run after the extensions that add page scripts.
    app.connect("html-page-context", _drop_repeats, priority=900)
    app.connect("build-finished", _write_report)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
