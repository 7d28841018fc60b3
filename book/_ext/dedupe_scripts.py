"""Drop repeated inline scripts from every page (a Sphinx extension of this book).

With Jupyter Book 1.0.4 (Sphinx 7.4), the inline configuration scripts of
sphinx-thebe and sphinx-togglebutton are added once through Sphinx's registry and
once more straight to the HTML builder, so each page declares
``const THEBE_JS_URL`` twice and the browser reports a SyntaxError.
tests/test_browser.py fails on any JavaScript error, so the copies are removed here.
"""

from __future__ import annotations

from typing import Any


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
    scripts[:] = unique


def setup(app: Any) -> dict[str, Any]:
    # Late priority: run after the extensions that add page scripts.
    app.connect("html-page-context", _drop_repeats, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
