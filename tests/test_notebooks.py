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
from install_cell import install_cell

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
    assert cells[0] == install_cell(), (
        f"{path.name}: the first code cell must be the install cell that "
        "scripts/install_cell.py renders from _config.yml; run "
        "`python scripts/install_cell.py --write`"
    )
    assert cells[1].endswith(f'time_card("{path.stem}")'), (
        f"{path.name}: the second code cell must show time_card({path.stem!r})"
    )


def test_install_cell_installs_what_the_launch_buttons_open() -> None:
    """The repository and branch come from _config.yml, which the launch buttons
    use too; the cell installs only when the helpers are missing and says which
    version the kernel imports, so a reader can tell a stale install."""
    cell = install_cell()
    repo = CONFIG["repository"]
    assert f'REPOSITORY = "{repo["url"]}"' in cell
    assert f'BRANCH = "{repo["branch"]}"' in cell
    assert 'default = f"git+{REPOSITORY}@{BRANCH}"' in cell
    assert 'find_spec("tutorial_utils") is None' in cell  # installs only if missing
    namespace: dict = {}
    exec(compile(cell, "install cell", "exec"), namespace)  # helpers are installed
    assert namespace["REPOSITORY"] == repo["url"] and namespace["BRANCH"] == "main"


def test_install_cell_prints_the_installed_version(
    capsys: pytest.CaptureFixture,
) -> None:
    from tutorial_utils import __version__

    exec(compile(install_cell(), "install cell", "exec"), {})
    assert capsys.readouterr().out == f"tutorial_utils {__version__}\n"


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
