"""Number a chapter's equations (5.1), (5.2), ... instead of across the whole book.

Sphinx (7.4, with ``numfig`` and ``math_numfig``) numbers display equations with
one counter for the whole book unless the table of contents is numbered, which
would renumber the chapters themselves. This extension takes the chapter number
from the notebook's file name (``05_convolutional_networks`` -> 5) and renumbers
each chapter's equations in their order, so equation and reference both read
(5.3). tests/test_links.py (test_equations_are_numbered_per_chapter) checks the
numbers on the built pages.
"""

from __future__ import annotations

import re
from typing import Any

CHAPTER = re.compile(r"(?:^|/)(\d\d)_[^/]+$")


def _renumber(app: Any, env: Any) -> list[str]:
    changed = []
    for docname, numbers in env.toc_fignumbers.items():
        match = CHAPTER.search(docname)
        equations = numbers.get("displaymath")
        if not match or not equations:
            continue
        chapter = int(match.group(1))
        in_order = sorted(equations, key=lambda node_id: equations[node_id])
        renumbered = {
            node_id: (chapter, k) for k, node_id in enumerate(in_order, start=1)
        }
        if renumbered != equations:
            numbers["displaymath"] = renumbered
            changed.append(docname)
    return changed


def setup(app: Any) -> dict[str, Any]:
    # after Sphinx's own toctree collector has assigned the book-wide numbers
    app.connect("env-get-updated", _renumber, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
