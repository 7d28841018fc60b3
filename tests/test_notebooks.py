"""Notebook hygiene: what every chapter must look like before it is committed.

The chapters' data (errata, glossary, references) is checked in test_book_data.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from book_toc import ROOT, toc_files

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_outputs_committed(path: Path) -> None:
    dirty = [
        i
        for i, cell in enumerate(load(path)["cells"])
        if cell["cell_type"] == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} hold outputs; clear them first"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_name_title_install_cell_and_time_card(path: Path) -> None:
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), (
        f"{path.name}: notebooks are named NN_short_name.ipynb"
    )
    nb = load(path)
    first = nb["cells"][0]
    title = "".join(first["source"]).splitlines()[0]
    assert first["cell_type"] == "markdown" and re.match(r"# \d\d ", title), (
        f"{path.name}: the first cell must be a markdown title '# NN Title'"
    )
    headings = [
        line
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for line in "".join(cell["source"]).splitlines()
        if line.startswith("# ")
    ]
    assert headings == [title], f"{path.name}: only the title may be a '# ' heading"
    header = [c for c in nb["cells"] if c["cell_type"] == "code"][:2]
    assert [c["metadata"].get("tags") for c in header] == [
        ["hide-input"],
        ["remove-input"],
    ], f"{path.name}: tag the install cell hide-input and the time card remove-input"
    cells = code_cells(nb)
    reference = code_cells(load(ROOT / "notebooks" / "00_setup.ipynb"))[0]
    assert cells[0] == reference, (
        f"{path.name}: the first code cell must be the install cell of 00_setup"
    )
    assert cells[1].endswith(f'time_card("{path.stem}")'), (
        f"{path.name}: the second code cell must show time_card({path.stem!r})"
    )


def test_install_cell_uses_the_configured_repository() -> None:
    cell = code_cells(load(ROOT / "notebooks" / "00_setup.ipynb"))[0]
    match = re.search(r'REPOSITORY = "([^"]+)"', cell)
    assert match, "the install cell must define REPOSITORY"
    assert match.group(1) == CONFIG["repository"]["url"], (
        "the install cell and _config.yml name different repositories"
    )
    assert 'find_spec("tutorial_utils") is None' in cell  # installs only if missing


def test_toc_and_notebooks_agree() -> None:
    files = toc_files()
    missing = [
        f
        for f in files
        if not any((ROOT / f"{f}{ext}").exists() for ext in (".md", ".ipynb"))
    ]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"
    listed = {f for f in files if f.startswith("notebooks/")}
    unlisted = [p.name for p in NOTEBOOKS if f"notebooks/{p.stem}" not in listed]
    assert not unlisted, f"notebooks missing from _toc.yml: {unlisted}"
