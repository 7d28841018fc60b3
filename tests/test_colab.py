"""Readers' environments, simulated: Colab's packages, and the package's floors.

Colab ships its own torch, numpy, matplotlib, ipywidgets 7 and IPython 7, and not
the helper package; tests/colab_versions.toml lists those versions, with the date
they were read. Here a throw-away venv gets them. Each notebook's install cell runs
in it against this checkout (TUTORIAL_UTILS_SOURCE instead of the GitHub URL, same
pip flags) and must add the helper package without touching anything else, torch
above all; then every chapter runs there, in smoke mode, its kernel in the venv and
its working folder empty, as in Colab.

Colab runs Python 3.12 and torch 2.8. No CPU torch wheel for 3.12 is at hand, so
the venv runs this Python (3.11) with the CPU torch that requirements.txt pins; a
``.pth`` hook deletes from it, at import, every API the book uses that torch 2.8
lacks (``torch_lacks`` in the versions file), so that the chapters meet torch 2.8's
API and their fallbacks run (tests/test_fallbacks.py tests each one alone).

A second venv holds pyproject.toml's floors: every dependency at its lower bound,
torch excepted (the one at hand, with the same APIs deleted), and Colab's kernel
side. The chapters that between them use every floored dependency (AT_FLOORS) run
there too, so a floor the code does not work at fails.

The venvs live in _build/ and are kept while their package lists are unchanged.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import kernel_poll
import nbformat
import pytest
import tomllib
from book_toc import ROOT, toc_notebooks
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from test_project import PYPROJECT, requirement_name, requirements

pytestmark = pytest.mark.slow

VERSIONS = tomllib.loads(
    (ROOT / "tests" / "colab_versions.toml").read_text(encoding="utf-8")
)
NOT_INSTALLED = ("python", "torch")  # see [simulation] in the versions file
KERNEL_SIDE = ("ipykernel", "jupyter-client", "notebook")
TORCH_LACKS = tuple(VERSIONS["simulation"]["torch_lacks"])
PACKAGE = "tutorial_utils"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Env:
    """A venv that stands for a reader's Python: its name and exact versions."""

    name: str
    versions: dict[str, str]  # distribution -> version, torch included

    @property
    def venv(self) -> Path:
        return ROOT / "_build" / f"{self.name}-venv"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def pins(self) -> tuple[str, ...]:
        return tuple(f"{name}=={version}" for name, version in self.versions.items())


def pinned_version(name: str) -> str:
    """The version requirements.txt pins for ``name``."""
    pin = requirements().get(name)
    assert pin and "==" in pin, f"requirements.txt pins no version of {name}"
    return pin.split("==")[1].strip()


def colab_env() -> Env:
    colab = {k: v for k, v in VERSIONS["colab"].items() if k not in NOT_INSTALLED}
    at_hand = {name: pinned_version(name) for name in ("torch", "tqdm")}
    return Env("colab", colab | at_hand)


def floors_env() -> Env:
    """Every dependency of pyproject.toml at its floor; torch as in Colab's env."""
    floors = {}
    for dependency in PYPROJECT["project"]["dependencies"]:
        name, _, floor = dependency.partition(">=")
        assert floor and re.fullmatch(r"\d+(\.\d+)*", floor.strip()), (
            f"pyproject.toml: {dependency!r} must be 'name>=version', the floor "
            "this test installs"
        )
        floors[requirement_name(name)] = floor.strip()
    kernel_side = {name: VERSIONS["colab"][name] for name in KERNEL_SIDE}
    return Env("floors", floors | kernel_side | {"torch": pinned_version("torch")})


# Runs in the venvs at every start of Python that imports torch (from a .pth file).
OLD_TORCH_HOOK = '''"""Written by tests/test_colab.py: make this torch look older by
deleting, when torch is imported, the APIs listed below."""
import importlib.abc
import importlib.util
import sys

LACKS = {lacks!r}


def _delete(torch):
    for api in LACKS:
        owner, _, name = api.rpartition(".")
        holder = torch
        for part in owner.split(".")[1:]:
            holder = getattr(holder, part)
        delattr(holder, name)


class _Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch":
            return None
        sys.meta_path.remove(self)  # find the real torch, once
        spec = importlib.util.find_spec("torch")
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            _delete(module)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _Hook())
'''


def venv_run(env: Env, *args: str, cwd: Path, extra: dict | None = None) -> str:
    """Run a command in ``env``'s venv; fail the test with its output if it fails."""
    clean = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    clean["PATH"] = f"{env.venv / 'bin'}{os.pathsep}{clean.get('PATH', '')}"
    proc = subprocess.run(
        args, cwd=cwd, env={**clean, **(extra or {})}, capture_output=True,
        text=True, timeout=1200,
    )  # fmt: skip
    assert proc.returncode == 0, (
        f"{' '.join(map(str, args))[:300]} failed ({proc.returncode}):\n"
        f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    )
    return proc.stdout


def build(env: Env, tmp: Path) -> None:
    """The venv with ``env``'s versions and the torch hook, rebuilt when they change;
    without the helper package."""
    hook = OLD_TORCH_HOOK.format(lacks=list(TORCH_LACKS))
    key = hashlib.sha256("\n".join((sys.version, *env.pins, hook)).encode())
    stamp = env.venv / ".requirements"
    if not (stamp.exists() and stamp.read_text() == key.hexdigest()):
        shutil.rmtree(env.venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(env.venv)], check=True)
        py = str(env.python)
        # --no-compile: Python compiles what the chapters import on first use; all
        # of torch's files up front take half of the install's time
        pins = ("--no-compile", *env.pins)
        venv_run(env, py, "-m", "pip", "install", "-q", *pins, cwd=tmp)
        where = venv_run(
            env, py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
            cwd=tmp,
        ).strip()  # fmt: skip
        (Path(where) / "_book_old_torch.py").write_text(hook, encoding="utf-8")
        (Path(where) / "_book_old_torch.pth").write_text("import _book_old_torch\n")
        stamp.write_text(key.hexdigest())
    venv_run(
        env, str(env.python), "-m", "pip", "uninstall", "-y", "-q", PACKAGE, cwd=tmp
    )


_PREPARED: list[Future] = []


def prepare_in_background() -> None:
    """Start building both venvs now, while nbval runs the chapters.

    Installing wheels is one core's work, and the chapters leave the second core
    idle for much of their run, so building the venvs beside them saves the
    minutes they would take afterwards. tests/conftest.py calls this once the
    tests are collected; the fixtures below wait for it.
    """
    if not _PREPARED:
        tmp = Path(tempfile.mkdtemp(prefix="colab-venvs-"))
        pool = ThreadPoolExecutor(max_workers=1)
        envs = (colab_env(), floors_env())
        _PREPARED.append(pool.submit(lambda: [build(env, tmp) for env in envs]))
        pool.shutdown(wait=False)


def wait_for_venvs() -> None:
    """Wait for the background build; a failure there is raised here, in a test."""
    for future in _PREPARED:
        future.result()


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


@pytest.fixture(scope="module")
def colab(tmp_path_factory: pytest.TempPathFactory) -> Env:
    """Colab's venv, without the helpers."""
    wait_for_venvs()
    env = colab_env()
    build(env, tmp_path_factory.mktemp("colab"))
    return env


def with_helpers(env: Env, source: Path, tmp: Path) -> Env:
    """Install the helper package as the install cell does; nothing else may move."""
    before = freeze(env, tmp)
    venv_run(env, str(env.python), "-m", "pip", "install", "-q", str(source), cwd=tmp)
    changed = sorted(set(before) ^ set(freeze(env, tmp)))
    assert not changed, f"installing {PACKAGE} changed {env.name}'s packages: {changed}"
    return env


@pytest.fixture(scope="module")
def colab_with_helpers(
    colab: Env, source: Path, tmp_path_factory: pytest.TempPathFactory
) -> Env:
    return with_helpers(colab, source, tmp_path_factory.mktemp("colab-helpers"))


@pytest.fixture(scope="module")
def floors_with_helpers(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Env:
    wait_for_venvs()
    env, tmp = floors_env(), tmp_path_factory.mktemp("floors")
    build(env, tmp)
    return with_helpers(env, source, tmp)


def freeze(env: Env, tmp: Path) -> list[str]:
    lines = venv_run(env, str(env.python), "-m", "pip", "freeze", "--all", cwd=tmp)
    return sorted(
        line
        for line in lines.splitlines()
        if not line.startswith(("tutorial", "pip=="))
    )


def torch_files(env: Env, tmp: Path) -> str:
    """Version and install record of torch: any reinstall changes the mtimes."""
    code = (
        "import importlib.metadata as m, os, torch; d = m.distribution('torch'); "
        "r = d.locate_file(f'torch-{d.version}.dist-info/RECORD'); "
        "print(torch.__version__, os.stat(torch.__file__).st_mtime_ns, "
        "os.stat(r).st_mtime_ns)"
    )
    return venv_run(env, str(env.python), "-c", code, cwd=tmp).strip()


def install_cells() -> dict[str, list[str]]:
    """Distinct install cells (first code cell) -> the notebooks that have it."""
    cells: dict[str, list[str]] = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
        cells.setdefault("".join(code["source"]), []).append(path.stem)
    return cells


def test_install_cell_adds_only_the_helpers(
    colab: Env, source: Path, tmp_path: Path
) -> None:
    tmp = tmp_path
    for code, notebooks in install_cells().items():
        venv_run(colab, str(colab.python), "-m", "pip", "uninstall", "-y", "-q",
                 PACKAGE, cwd=tmp)  # fmt: skip
        before, torch_before = freeze(colab, tmp), torch_files(colab, tmp)
        venv_run(
            colab, str(colab.python), "-c", code, cwd=tmp,
            extra={"TUTORIAL_UTILS_SOURCE": str(source)},
        )  # fmt: skip
        where = venv_run(
            colab, str(colab.python), "-c",
            f"import {PACKAGE}; print({PACKAGE}.__file__)", cwd=tmp,
        )  # fmt: skip
        assert str(colab.venv) in where, (
            f"{notebooks}: helpers not installed in the venv"
        )
        changed = sorted(set(before) ^ set(freeze(colab, tmp)))
        assert not changed, f"install cell of {notebooks} changed packages: {changed}"
        assert torch_files(colab, tmp) == torch_before, (
            f"install cell of {notebooks} reinstalled torch"
        )


def test_versions_file_says_when_and_where_it_was_read() -> None:
    assert isinstance(VERSIONS["read"], datetime.date), "read = YYYY-MM-DD, unquoted"
    assert VERSIONS["source"].strip(), "say where the versions were read"
    assert set(NOT_INSTALLED) | set(KERNEL_SIDE) <= set(VERSIONS["colab"])
    assert all(api.startswith("torch.") for api in TORCH_LACKS), TORCH_LACKS


# The last cell of each run: where the kernel ran, what it imported, what it lacked.
REPORT_CELL = """\
import importlib.metadata as _m, json as _json, sys as _sys, torch as _torch
def _has(api):
    obj = _torch
    for part in api.split(".")[1:]:
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True
print(_json.dumps({{
    "prefix": _sys.prefix,
    "versions": {{n: _m.version(n) for n in {names!r}}},
    "present": [api for api in {lacks!r} if _has(api)],
}}))
"""


def release(version: str) -> tuple[int, ...]:
    """'3.7' and '3.7.0' -> (3, 7): the same release."""
    parts = [int(part) for part in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def run_chapter(env: Env, notebook: Path, workdir: Path) -> str | None:
    """Execute ``notebook`` in a kernel of ``env`` (smoke mode, cwd ``workdir``)
    and check that the kernel had ``env``'s versions and lacked TORCH_LACKS;
    return what went wrong, or None."""
    kernel_poll.install()  # book/_ext: else a widget cell can stall to the timeout
    kernels = workdir / "kernels"
    (kernels / env.name).mkdir(parents=True)
    spec = {
        "argv": [str(env.python), "-m", "ipykernel_launcher",
                 "-f", "{connection_file}"],
        "display_name": env.name, "language": "python",
        "env": {
            "BOOK_RUN_MODE": "smoke", "VIRTUAL_ENV": str(env.venv), "PYTHONPATH": "",
            "OMP_NUM_THREADS": "1",  # two chapters share the two cores
            "PATH": f"{env.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        },
    }  # fmt: skip
    (kernels / env.name / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    manager = KernelManager(
        kernel_name=env.name,
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]),
    )
    nb = nbformat.read(notebook, as_version=4)
    names = [n for n in env.versions if n != "torch"]
    report = REPORT_CELL.format(names=names, lacks=list(TORCH_LACKS))
    nb.cells.append(nbformat.v4.new_code_cell(report))
    reader_folder = workdir / "content"  # empty, as Colab's /content
    reader_folder.mkdir()
    client = NotebookClient(
        nb,
        km=manager,
        timeout=600,
        resources={"metadata": {"path": str(reader_folder)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        return f"{notebook.name} failed in {env.name}:\n{ANSI.sub('', str(error))}"
    printed = [o["text"] for o in nb.cells[-1].outputs if o.get("name") == "stdout"]
    ran = json.loads("".join(printed).strip().splitlines()[-1])
    if Path(ran["prefix"]).resolve() != env.venv.resolve():
        return f"{notebook.name}: the kernel ran in {ran['prefix']}"
    wrong = {
        name: (version, env.versions[name])
        for name, version in ran["versions"].items()
        if release(version) != release(env.versions[name])
    }
    if wrong:
        return f"package: (version in the kernel, version asked for): {wrong}"
    if ran["present"]:
        return f"the torch hook left {ran['present']} in place"
    return None


def run_all(env: Env, tmp: Path, chapters: dict[str, Path]) -> dict[str, str | None]:
    """Chapters in ``env``, two at a time (one core each): chapter -> failure.

    Most of a smoke run is single-threaded (starting a kernel, importing torch,
    plotting), so two at a time take about half as long as one after the other.
    """
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            stem: pool.submit(run_chapter, env, path, tmp / stem)
            for stem, path in chapters.items()
        }
        return {stem: future.result() for stem, future in futures.items()}


CHAPTERS = toc_notebooks()
# At the floors, the chapters that between them call every floored dependency's
# API the book uses: 00 (the version table), 03 (scikit-learn's diabetes data,
# SciPy, a widget), 04 (the training loop, plots, widgets) and 11 (scipy.stats,
# mixed precision and its fallbacks). Colab's versions run every chapter.
AT_FLOORS = {stem: CHAPTERS[stem] for stem in ("00_setup", "03_linear_regression",
             "04_neural_networks", "11_scale_and_efficiency")}  # fmt: skip


@pytest.fixture(scope="module")
def colab_runs(
    colab_with_helpers: Env, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str | None]:
    return run_all(colab_with_helpers, tmp_path_factory.mktemp("colab"), CHAPTERS)


@pytest.fixture(scope="module")
def floors_runs(
    floors_with_helpers: Env, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str | None]:
    return run_all(floors_with_helpers, tmp_path_factory.mktemp("floors"), AT_FLOORS)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_runs_like_in_colab(
    chapter: str, colab_runs: dict[str, str | None]
) -> None:
    if colab_runs[chapter]:
        pytest.fail(colab_runs[chapter], pytrace=False)


@pytest.mark.parametrize("chapter", AT_FLOORS)
def test_chapter_runs_at_the_floors(
    chapter: str, floors_runs: dict[str, str | None]
) -> None:
    if floors_runs[chapter]:
        pytest.fail(floors_runs[chapter], pytrace=False)
