"""Render the glossary and errata appendices from the book's data files.

``book/glossary.yml`` (one entry per term) and ``book/errata/*.yml`` (one file per
chapter) are the single source; the pages ``book/glossary.md`` and
``book/errata.md`` each hold a marker comment that this extension replaces, when
Sphinx reads the page, with MyST markdown generated from the data. Links go
through ``{ref}`` to labels in the chapters, so a label that does not exist fails
the ``-W -n`` build. tests/test_book_data.py checks the data itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

GLOSSARY_MARK = "<!-- glossary-table -->"
ERRATA_MARK = "<!-- errata-list -->"
SOURCES = {
    "A": "seed_a",
    "B": "seed_b",
    "C": "seed_c",
    "D": "seed_d",
    "E": "seed_e",
}


CHAPTER = re.compile(r"\b([Cc]hapter) (\d\d)\b")
ROOT = Path(__file__).resolve().parents[2]


def _cell(text: str) -> str:
    """Table-cell safe (no pipes or line breaks); "chapter 05" links to chapter 05."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    return CHAPTER.sub(_link_chapter, text)


def _link_chapter(match: re.Match[str]) -> str:
    found = sorted((ROOT / "notebooks").glob(f"{match.group(2)}_*.ipynb"))
    if not found:
        return match.group(0)  # a planned chapter: plain text
    return f"[{match.group(0)}](../notebooks/{found[0].name})"


PAGE_NAMES = {"faq": "FAQ", "tools": "tools"}  # glossary terms defined on a page


def _where(chapter: str) -> str:
    """Link text for where a term is defined: "chapter 05", or a page's name."""
    return PAGE_NAMES.get(chapter, f"chapter {chapter[:2]}")


def glossary_markdown(root: Path) -> str:
    entries = yaml.safe_load((root / "book" / "glossary.yml").read_text("utf-8"))
    rows = [
        "| English | 中文 | Meaning | Defined in |",
        "|---|---|---|---|",
    ]
    for entry in sorted(entries, key=lambda e: e["term"].lower()):
        rows.append(
            f"| **{_cell(entry['term'])}** | {_cell(entry['zh'])} | "
            f"{_cell(entry['definition'])} | "
            f"{{ref}}`{_where(entry['chapter'])} <{entry['label']}>` |"
        )
    return "\n".join(rows)


def errata_entries(root: Path) -> list[dict[str, str]]:
    entries = []
    for path in sorted((root / "book" / "errata").glob("*.yml")):
        entries += yaml.safe_load(path.read_text("utf-8")) or []
    return entries


def errata_markdown(root: Path) -> str:
    by_source: dict[str, list[dict[str, str]]] = defaultdict(list)
    for entry in errata_entries(root):
        by_source[entry["source"].split()[0]].append(entry)
    parts = []
    for letter in sorted(by_source):
        key = SOURCES.get(letter)
        parts.append(f"## Source {letter}\n")
        if key:
            parts.append(f"The article: {{cite:p}}`{key}`.\n")
        for entry in sorted(by_source[letter], key=lambda e: e["source"]):
            parts.append(
                f"**{entry['source']}**: 「{_cell(entry['quote'])}」\n\n"
                f"- *The source says:* {_cell(entry['says'])}\n"
                f"- *Correct:* {_cell(entry['correct'])}\n"
                f"- *Why:* {_cell(entry['why'])}\n"
                f"- *Checked in:* {{ref}}`{_where(entry['chapter'])} "
                f"<errata-{entry['id']}>`\n"
            )
    return "\n".join(parts)


def _fill(app: Any, docname: str, source: list[str]) -> None:
    root = Path(app.srcdir)
    if GLOSSARY_MARK in source[0]:
        source[0] = source[0].replace(GLOSSARY_MARK, glossary_markdown(root))
    if ERRATA_MARK in source[0]:
        source[0] = source[0].replace(ERRATA_MARK, errata_markdown(root))


def _depend_on_data(app: Any, env: Any, added: set, changed: set, removed: set):
    """Re-read the appendices whenever a data file changed."""
    root = Path(app.srcdir)
    data = [root / "book" / "glossary.yml", *(root / "book" / "errata").glob("*.yml")]
    newest = max(p.stat().st_mtime_ns // 1_000 for p in data if p.exists())
    pages = [d for d in ("book/glossary", "book/errata") if d in env.all_docs]
    return [d for d in pages if env.all_docs[d] < newest]  # microseconds, as Sphinx


def setup(app: Any) -> dict[str, Any]:
    app.connect("source-read", _fill)
    app.connect("env-get-outdated", _depend_on_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
