"""Shared fixtures: the repository root and the book built once in smoke mode.

The smoke build is the one place where ``make test`` executes the notebooks: each
runs once, and the tests of tests/test_execution.py, test_timings.py, test_book.py,
test_links.py and test_browser.py all read that one build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from book_toc import ROOT

BIN = Path(sys.executable).parent
SMOKE_OUT = ROOT / "_build" / "smoke"


@dataclass(frozen=True)
class BuiltBook:
    """Where the smoke-mode build landed, and what the builder printed."""

    html: Path
    cache: Path  # jupyter-cache of this build: one record per executed notebook
    returncode: int
    log: str


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def smoke_config(folder: Path) -> Path:
    """_config.yml with one change: a failing notebook does not stop the build.

    ``make book`` stops at the first notebook that fails; the test build executes
    them all, so that every failure is reported at once, each by its own test.
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["sphinx"]["config"]["nb_execution_raise_on_error"] = False
    # Jupyter Book resolves local extension folders against the config file's folder.
    extensions = config["sphinx"].get("local_extensions", {})
    for name, where in extensions.items():
        extensions[name] = str(ROOT / where)
    path = folder / "_config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def smoke_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """Build the whole book once per test session, notebooks executed in smoke mode.

    The execution cache is emptied first, so every notebook runs exactly once per
    test session against the current ``tutorial_utils`` (a cache keyed on the
    notebook's code alone would hide a helper change that breaks a chapter).
    """
    cache = SMOKE_OUT / "_build" / ".jupyter_cache"
    shutil.rmtree(cache, ignore_errors=True)
    config = smoke_config(tmp_path_factory.mktemp("smoke-config"))
    env = {**os.environ, "BOOK_RUN_MODE": "smoke"}
    cmd = [
        str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", str(SMOKE_OUT),
        "--config", str(config), "--all", "-W", "-n", "--keep-going",
    ]  # fmt: skip
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=2400
    )
    return BuiltBook(
        SMOKE_OUT / "_build" / "html", cache, proc.returncode, proc.stdout + proc.stderr
    )
