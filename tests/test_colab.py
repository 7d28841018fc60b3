"""The Colab path, simulated: a throw-away venv with Colab's own packages.

Colab ships its own torch, numpy, matplotlib and ipywidgets 7, and not the helper
package. Here each notebook's install cell runs in such a venv against this checkout
(TUTORIAL_UTILS_SOURCE instead of the GitHub URL, same pip flags) and must add the
helper package without touching anything else, torch above all; then one training
chapter runs in smoke mode with ipywidgets 7 (the smoke build runs all of them).

The venv lives in _build/colab-venv and is kept while its package list is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from test_project import requirements

pytestmark = pytest.mark.slow

VENV = ROOT / "_build" / "colab-venv"
PYTHON = VENV / "bin" / "python"
# Colab ships ipywidgets 7 (a fact about Colab, so it is written here); everything
# else the book uses there is taken at the version requirements.txt pins, so that
# pip finds the same CPU torch wheel.
COLAB_WIDGETS = "ipywidgets==7.8.5"
FROM_REQUIREMENTS = (
    "torch", "numpy", "scipy", "matplotlib", "ipython", "tqdm", "scikit-learn",
    "ipykernel", "nbclient", "nbformat",
)  # fmt: skip
TRAINING_NOTEBOOK = "04_neural_networks"  # the one chapter run here


def colab_packages() -> tuple[str, ...]:
    pinned = requirements()  # name -> pin line, as tests/test_project.py reads it
    missing = [name for name in FROM_REQUIREMENTS if name not in pinned]
    assert not missing, f"requirements.txt pins no version of {missing}"
    return (*(pinned[name] for name in FROM_REQUIREMENTS), COLAB_WIDGETS)


PACKAGE = "tutorial_utils"


def venv_run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command in the Colab venv; fail the test with its output if it fails."""
    clean = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    clean["PATH"] = f"{VENV / 'bin'}{os.pathsep}{clean.get('PATH', '')}"
    proc = subprocess.run(
        args, cwd=cwd, env={**clean, **(env or {})}, capture_output=True, text=True,
        timeout=1200,
    )  # fmt: skip
    assert proc.returncode == 0, (
        f"{' '.join(map(str, args))[:300]} failed ({proc.returncode}):\n"
        f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    )
    return proc.stdout


def freeze(tmp: Path) -> list[str]:
    lines = venv_run(str(PYTHON), "-m", "pip", "freeze", "--all", cwd=tmp).splitlines()
    return sorted(line for line in lines if not line.startswith(("tutorial", "pip==")))


def torch_files(tmp: Path) -> str:
    """Version and install record of torch: any reinstall changes the mtimes."""
    code = (
        "import importlib.metadata as m, os, torch; d = m.distribution('torch'); "
        "r = d.locate_file(f'torch-{d.version}.dist-info/RECORD'); "
        "print(torch.__version__, os.stat(torch.__file__).st_mtime_ns, "
        "os.stat(r).st_mtime_ns)"
    )
    return venv_run(str(PYTHON), "-c", code, cwd=tmp).strip()


@pytest.fixture(scope="module")
def colab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv (rebuilt when its package list changes), without the helpers."""
    tmp = tmp_path_factory.mktemp("colab")
    packages = colab_packages()
    key = hashlib.sha256("\n".join((sys.version, *packages)).encode()).hexdigest()
    stamp = VENV / ".colab-requirements"
    if not (stamp.exists() and stamp.read_text() == key and PYTHON.exists()):
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        venv_run(str(PYTHON), "-m", "pip", "install", "-q", *packages, cwd=tmp)
        stamp.write_text(key)
    venv_run(str(PYTHON), "-m", "pip", "uninstall", "-y", "-q", PACKAGE, cwd=tmp)
    return tmp


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What pip would clone from GitHub: the package files of this working tree
    (copied, so that pip's in-tree build leaves the checkout clean)."""
    copy = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, copy / name)
    shutil.copytree(
        ROOT / PACKAGE, copy / PACKAGE, ignore=shutil.ignore_patterns("__pycache__")
    )
    return copy


def install_cells() -> dict[str, list[str]]:
    """Distinct install cells (first code cell) -> the notebooks that have it."""
    cells: dict[str, list[str]] = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
        cells.setdefault("".join(code["source"]), []).append(path.stem)
    return cells


def test_install_cell_adds_only_the_helpers(colab: Path, source: Path) -> None:
    for code, notebooks in install_cells().items():
        venv_run(str(PYTHON), "-m", "pip", "uninstall", "-y", "-q", PACKAGE, cwd=colab)
        before, torch_before = freeze(colab), torch_files(colab)
        venv_run(
            str(PYTHON),
            "-c",
            code,
            cwd=colab,
            env={"TUTORIAL_UTILS_SOURCE": str(source)},
        )
        where = venv_run(
            str(PYTHON), "-c", f"import {PACKAGE}; print({PACKAGE}.__file__)", cwd=colab
        )
        assert str(VENV) in where, f"{notebooks}: helpers not installed in the venv"
        after = freeze(colab)
        changed = sorted(set(before) ^ set(after))
        assert not changed, f"install cell of {notebooks} changed packages: {changed}"
        assert torch_files(colab) == torch_before, (
            f"install cell of {notebooks} reinstalled torch"
        )


def test_a_chapter_runs_like_in_colab(colab: Path, source: Path) -> None:
    """One chapter (training, plots, a widget), not all: the smoke build of the book
    already runs every notebook; this checks the Colab packages, ipywidgets 7 above
    all, with the helpers installed the way the install cell installs them."""
    path = ROOT / "notebooks" / f"{TRAINING_NOTEBOOK}.ipynb"
    assert path.exists(), f"{path.name} is gone: set TRAINING_NOTEBOOK in this file"
    venv_run(str(PYTHON), "-m", "pip", "install", "-q", str(source), cwd=colab)
    # Run in the venv's own kernel; a last cell reports what that kernel imported.
    # book/_ext/kernel_poll.py: without it a widget cell can stall until the timeout
    driver = (
        f"import sys; sys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "import kernel_poll; kernel_poll.install()\n"
        "import nbformat; from nbclient import NotebookClient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "nb.cells.append(nbformat.v4.new_code_cell('import sys, ipywidgets; "
        "print(sys.prefix, ipywidgets.__version__)'))\n"
        "NotebookClient(nb, timeout=600, kernel_name='python3', resources="
        "{'metadata': {'path': sys.argv[2]}}).execute()\n"
        "print(nb.cells[-1].outputs[0]['text'])\n"
    )
    out = venv_run(
        str(PYTHON), "-c", driver, str(path), str(path.parent), cwd=colab,
        env={"BOOK_RUN_MODE": "smoke", "JUPYTER_PATH": str(VENV / "share" / "jupyter")},
    )  # fmt: skip
    prefix, widgets_version = out.split()[-2:]
    assert Path(prefix).resolve() == VENV.resolve(), f"kernel ran in {prefix}"
    assert widgets_version.startswith("7."), f"ipywidgets {widgets_version} in kernel"
