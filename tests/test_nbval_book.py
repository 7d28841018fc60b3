"""The machinery that runs the chapters: nbval's plugin and the execution cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from exec_cache import current_key, ensure_fresh
from nbval_book import errors_in_state

from tutorial_utils.widgets import CANNOT_WORK


def make_root(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    (root / "tutorial_utils").mkdir(parents=True)
    (root / "tutorial_utils" / "train.py").write_text("LR = 0.1\n")
    (root / "requirements.txt").write_text("torch==2.13.0\n")
    (root / "pyproject.toml").write_text("[project]\n")
    return root


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "tutorial_utils" / "train.py").write_text("LR = 0.2\n"),
        lambda root: (root / "tutorial_utils" / "data.txt").write_text("corpus"),
        lambda root: (root / "requirements.txt").write_text("torch==2.14.1\n"),
        lambda root: (root / "pyproject.toml").write_text("[project]\nname='x'\n"),
    ],
    ids=["helper code", "helper data", "pins", "pyproject"],
)
def test_cache_is_emptied_when_what_changes_a_result_changes(
    tmp_path: Path, change: object
) -> None:
    root = make_root(tmp_path)
    cache, key_file = tmp_path / "cache", tmp_path / "cache.key"
    assert ensure_fresh(cache, key_file, root)  # first use: no key yet
    (cache / "record").parent.mkdir(parents=True, exist_ok=True)
    (cache / "record").write_text("executed")
    assert not ensure_fresh(cache, key_file, root)  # nothing changed: kept
    assert (cache / "record").exists()
    before = current_key(root)
    change(root)  # type: ignore[operator]
    assert current_key(root) != before
    assert ensure_fresh(cache, key_file, root) and not cache.exists()


def test_errors_in_saved_widget_state() -> None:
    def model(*outputs: dict) -> dict:
        return {"model_name": "OutputModel", "state": {"outputs": list(outputs)}}

    state = {
        "state": {
            "ok": model({"output_type": "stream", "name": "stdout", "text": "0.1"}),
            "slider": {"model_name": "IntSliderModel", "state": {"value": 3}},
            "error": model({"output_type": "error", "ename": "IndexError",
                            "evalue": "index out of range", "traceback": []}),
            "refused": model({"output_type": "stream", "name": "stdout",
                              "text": f"{CANNOT_WORK} steps must be positive"}),
        }
    }  # fmt: skip
    found = errors_in_state(state)
    assert len(found) == 2
    assert found[0].startswith("error: IndexError") and found[1].startswith("refused")


def notebook(*cells: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return nb


WIDGET = """
import ipywidgets as widgets
from tutorial_utils.widgets import interactive_plot

def show(n):
    print(10 // (5 - n))

interactive_plot(show, {"n": widgets.IntSlider(1, min=0, max=5, description="n")});
"""


@pytest.mark.slow
def test_nbval_reports_cells_skips_after_a_failure_and_drives_widgets(
    tmp_path: Path,
) -> None:
    """A failing cell fails its own test and skips the rest of its notebook; a
    widget that raises at a slider's end fails the notebook's widgets test."""
    nbformat.write(notebook("x = 1", "1 / 0", "y = 2"), tmp_path / "a_fails.ipynb")
    nbformat.write(notebook(WIDGET), tmp_path / "b_widget.ipynb")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    here = Path(__file__).parent
    path = f"{here}{os.pathsep}{here.parent / 'scripts'}"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
         "-p", "nbval_book", "-p", "no:cacheprovider", "-rA", "-q",
         "-c", str(tmp_path / "pytest.ini"), str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": path},
    )  # fmt: skip
    out = proc.stdout
    assert "PASSED a_fails.ipynb::Cell 0" in out, out[-3000:]
    assert "FAILED a_fails.ipynb::Cell 1" in out
    assert "an earlier cell of a_fails failed" in out
    assert "a cell of a_fails failed, so its widgets were not driven" in out
    assert "PASSED b_widget.ipynb::Cell 0" in out
    assert "FAILED b_widget.ipynb::widgets" in out
    assert "n=5: ZeroDivisionError: integer division or modulo by zero" in out
    assert json.dumps("b_widget") not in out  # not a book chapter: nothing cached
