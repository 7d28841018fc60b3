"""The book's data files: errata, glossary and references, and how the chapters
use them (source-error boxes, first-use Chinese glosses, labels that resolve)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from book_toc import ROOT, toc_files, toc_notebooks
from pybtex.database import parse_file

ERRATA = sorted((ROOT / "book" / "errata").glob("*.yml"))
ERRATA_FIELDS = {"id", "source", "quote", "says", "correct", "why", "chapter"}
GLOSSARY_FILE = ROOT / "book" / "glossary.yml"
GLOSSARY_FIELDS = {"term", "zh", "definition", "chapter", "label"}
NOTEBOOKS = toc_notebooks()
# markdown pages that define glossary terms too (the FAQ and the tools appendix)
PAGES = {
    name: ROOT / "book" / f"{name}.md"
    for name in ("faq", "tools")
    if f"book/{name}" in toc_files()
}
TARGET = re.compile(r"^\(([\w-]+)\)=\s*$", re.M)
# A titled box: {admonition} takes a title ({warning} would run it into the text).
SOURCE_ERROR_BOX = re.compile(
    r"^(`{3,}|:{3,})\{(warning|admonition)\}\s*Source error[^\n]*\n(:class: warning)?",
    re.M,
)
CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def markdown_cells(name: str) -> tuple[str, ...]:
    if name in PAGES:  # a markdown page is one cell
        return (PAGES[name].read_text(encoding="utf-8"),)
    cells = json.loads(NOTEBOOKS[name].read_text(encoding="utf-8"))["cells"]
    return tuple("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def errata() -> list[dict]:
    return [e for p in ERRATA for e in yaml.safe_load(p.read_text("utf-8")) or []]


def glossary() -> list[dict]:
    return yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))


def labels(name: str) -> set[str]:
    return {m for cell in markdown_cells(name) for m in TARGET.findall(cell)}


# ---------------------------------------------------------------- errata


@pytest.mark.parametrize("path", ERRATA, ids=lambda p: p.name)
def test_errata_entries_are_complete(path: Path) -> None:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(entries, list) and entries, f"{path.name}: a non-empty list"
    for entry in entries:
        assert set(entry) == ERRATA_FIELDS, (
            f"{path.name}: {entry.get('id')} has fields {sorted(entry)}; "
            f"expected {sorted(ERRATA_FIELDS)}"
        )
        blank = [k for k in ERRATA_FIELDS if not str(entry[k]).strip()]
        assert not blank, f"{entry['id']}: empty {blank}"
        assert entry["chapter"] == path.stem, f"{entry['id']}: wrong chapter"
        prefix = path.stem[:2] if path.stem[:2].isdigit() else path.stem
        assert entry["id"].startswith(prefix + "-"), (
            f"{entry['id']}: the id starts with the chapter number (or the page "
            f"name), e.g. {prefix}-..."
        )
        assert re.fullmatch(r"[A-E] (appendix )?[\d.–-]+\w*", entry["source"]), (
            f"{entry['id']}: source must be a letter A-E and a section, "
            f"e.g. 'A 4.1.1'; got {entry['source']!r}"
        )
        assert len(entry["quote"]) <= 80, f"{entry['id']}: quote it briefly"


def test_errata_have_no_duplicates() -> None:
    entries = errata()
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted(ids)}"
    seen: dict[tuple[str, str], str] = {}
    for e in entries:
        key = (e["source"], " ".join(e["quote"].split()))
        assert key not in seen, (
            f"{e['id']} and {seen[key]} describe the same error ({key}): keep one "
            "and link to it from the other chapter"
        )
        seen[key] = e["id"]


def test_every_erratum_links_to_its_check() -> None:
    missing = [
        f"{e['id']}: no (errata-{e['id']})= target in {e['chapter']}"
        for e in errata()
        if f"errata-{e['id']}" not in labels(e["chapter"])
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("name", [*NOTEBOOKS, *PAGES])
def test_every_source_error_box_has_an_entry(name: str) -> None:
    known = {f"errata-{e['id']}" for e in errata()}
    problems = []
    for cell in markdown_cells(name):
        for box in SOURCE_ERROR_BOX.finditer(cell):
            above = cell[: box.start()].rstrip().splitlines()
            target = TARGET.match(above[-1]) if above else None
            if box.group(2) != "admonition" or not box.group(3):
                problems.append(
                    "write ```{admonition} Source error ...: title with :class: "
                    f"warning on the next line (a warning takes no title): {box[0]}"
                )
            if not target:
                problems.append(f"no (errata-<id>)= line directly above: {box[0]}")
            elif target.group(1) not in known:
                problems.append(f"{target.group(1)} has no entry in book/errata/")
    assert not problems, f"{name}:\n" + "\n".join(problems)


# ---------------------------------------------------------------- glossary


def test_glossary_entries_are_complete_and_unique() -> None:
    entries = glossary()
    for entry in entries:
        assert set(entry) == GLOSSARY_FIELDS, f"{entry.get('term')}: {sorted(entry)}"
        blank = [k for k in GLOSSARY_FIELDS if not str(entry[k]).strip()]
        assert not blank, f"{entry['term']}: empty {blank}"
        assert CJK.search(entry["zh"]), f"{entry['term']}: zh has no Chinese"
        where = entry["chapter"]
        assert where in NOTEBOOKS or where in PAGES, f"{entry['term']}: no {where}"
    terms = [e["term"].lower() for e in entries]
    assert len(terms) == len(set(terms)), "duplicate glossary terms"


def test_glossary_terms_are_defined_where_they_link() -> None:
    problems = []
    for entry in glossary():
        name, label = entry["chapter"], entry["label"]
        if label not in labels(name):
            problems.append(f"{entry['term']}: no ({label})= target in {name}")
        text = "\n".join(markdown_cells(name))
        if not term_pattern(entry["term"]).search(text):
            problems.append(f"{entry['term']}: never named in {name}")
    assert not problems, "\n".join(problems)


FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})(.*)$")
CODE_LIKE = re.compile(r"^\s*(\{(code|code-block|code-cell|math)\}|[^{\s])")


def prose(cell: str) -> str:
    """Running text of a markdown cell: headings, code, math, MyST targets, role
    arguments, link targets and directive lines blanked out (offsets kept), while
    the prose inside admonitions such as {warning} stays."""
    lines, stack, in_options = cell.split("\n"), [], False
    for i, line in enumerate(lines):
        fence = FENCE.match(line.strip())
        hidden = bool(stack) and stack[-1][1]
        if fence and stack and fence.group(1) == stack[-1][0] and not fence.group(2):
            stack.pop()
            lines[i] = " " * len(line)
            continue
        if fence and not hidden and (fence.group(2) or not stack):
            code = bool(CODE_LIKE.match(fence.group(2))) or not fence.group(2)
            stack.append((fence.group(1), code))
            lines[i], in_options = " " * len(line), not code
            continue
        if hidden or (in_options and re.match(r"^\s*:[\w-]+:", line)):
            lines[i] = " " * len(line)
            continue
        in_options = False
    cell = "\n".join(lines)
    blank = lambda m: " " * len(m.group(0))  # noqa: E731
    cell = re.sub(r"\$\$.*?\$\$", blank, cell, flags=re.S)  # display math
    cell = re.sub(r"\$[^$]+?\$", blank, cell, flags=re.S)  # inline math
    for pattern in (
        r"`[^`\n]*`",  # inline code and role arguments
        r"\]\([^)\n]*\)",  # link targets
        r"^#.*$",  # headings
        r"^\([\w-]+\)=\s*$",  # MyST targets
    ):
        cell = re.sub(pattern, blank, cell, flags=re.M)
    return cell


def term_pattern(term: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in term.split())
    return re.compile(rf"(?<![\w-]){words}(?:e?s)?(?![\w-])", re.I)


def first_use_problems(text: str, entries: list[dict]) -> list[str]:
    """Terms whose first use in ``text`` is not followed by ``(<zh>...)``."""
    spans = {
        e["term"]: [m.span() for m in term_pattern(e["term"]).finditer(text)]
        for e in entries
    }
    problems = []
    for entry in entries:
        longer = [
            span
            for other, found in spans.items()
            if len(other) > len(entry["term"])
            and entry["term"].lower() in other.lower()
            for span in found
        ]
        uses = [
            (a, b)
            for a, b in spans[entry["term"]]
            if not any(a >= s and b <= e for s, e in longer)
        ]
        if not uses:
            continue
        end = uses[0][1]
        after = text[end : end + 80]
        # "term (中文)", also "**term** (中文)" and "Adam optimiser (Adam 优化器)"
        gloss = (
            rf"[*_]*(?:\s+[\w-]+){{0,2}}[*_]*\s*[(（][^)）]*{re.escape(entry['zh'])}"
        )
        if not re.match(gloss, after):
            line = text[max(0, uses[0][0] - 30) : end + 20].replace("\n", " ")
            problems.append(
                f"{entry['term']} ({entry['zh']}) first used unglossed: …{line}…"
            )
    return problems


@pytest.mark.parametrize("name", [*NOTEBOOKS, *PAGES])
def test_chapter_glosses_each_term_at_first_use(name: str) -> None:
    text = "\n".join(prose(cell) for cell in markdown_cells(name))
    problems = first_use_problems(text, glossary())
    assert not problems, f"{name}: write 'term (中文)' at the first use:\n" + "\n".join(
        problems
    )


def test_first_use_check_can_fail() -> None:
    entries = [{"term": "convolution", "zh": "卷积"}, {"term": "pooling", "zh": "池化"}]
    text = "A convolution (卷积) then pooling, and more pooling (池化)."
    (problem,) = first_use_problems(text, entries)
    assert problem.startswith("pooling (池化) first used unglossed"), problem
    glossed = prose("# Pooling\n\nMax pooling (池化) and `pooling` in code.")
    assert first_use_problems(glossed, entries) == []
    # a heading hides only its own line; code fences hide only their block
    cell = "## Pooling\n\n```python\npooling = 1\n```\n\nthen pooling, unglossed."
    (problem,) = first_use_problems(prose(cell), entries)
    assert "then pooling, unglossed" in problem, problem


# ---------------------------------------------------------------- references

REQUIRED = {
    "article": {"author", "title", "journal", "year"},
    "inproceedings": {"author", "title", "booktitle", "year"},
    "book": {"title", "publisher", "year"},
    "misc": {"title", "year"},
    "techreport": {"author", "title", "institution", "year"},
    "phdthesis": {"author", "title", "school", "year"},
}


def test_references_have_their_fields_and_no_duplicates() -> None:
    bib = parse_file(str(ROOT / "book" / "references.bib"))
    problems, titles = [], {}
    for key, entry in bib.entries.items():
        kind = entry.type.lower()
        have = {f.lower() for f in entry.fields} | {r.lower() for r in entry.persons}
        missing = REQUIRED.get(kind, {"title", "year"}) - have
        if kind == "book" and not have & {"author", "editor"}:
            missing.add("author or editor")
        if kind == "misc" and not have & {"author", "howpublished", "note", "url"}:
            missing.add("author, howpublished, note or url")
        if missing:
            problems.append(f"{key} (@{kind}) lacks {sorted(missing)}")
        title = re.sub(r"\W+", " ", entry.fields.get("title", "")).strip().lower()
        if title in titles:
            problems.append(f"{key} and {titles[title]} have the same title")
        titles[title] = key
    assert not problems, "\n".join(problems)
