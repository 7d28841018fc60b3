"""Shared fixtures: the repository root and the book, built once per session.

``make test`` runs nbval over ``notebooks/`` first, at full size: that is the one
execution of each chapter (tests/nbval_book.py caches what it ran). The book is
then built from that cache, so tests/test_execution.py, test_timings.py,
test_book.py, test_links.py and test_browser.py read chapters that ran exactly
once, at the size readers run them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from book_toc import ROOT

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class BuiltBook:
    """Where the build landed, and what the builder printed."""

    html: Path
    cache: Path  # jupyter-cache of this build: one record per executed notebook
    returncode: int
    log: str


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def build_config(folder: Path, skip: set[str]) -> Path:
    """_config.yml with two changes: a failing notebook does not stop the build,
    and the notebooks in ``skip`` (nbval saw them fail) are not executed again.

    ``make book`` stops at the first notebook that fails; the test build goes on,
    so that every failure is reported at once, each by its own test.
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config["sphinx"]["config"]
    sphinx["nb_execution_raise_on_error"] = False
    sphinx["nb_execution_excludepatterns"] = [f"**/{stem}.ipynb" for stem in skip]
    # Jupyter Book resolves local extension folders against the config file's folder.
    extensions = config["sphinx"].get("local_extensions", {})
    for name, where in extensions.items():
        extensions[name] = str(ROOT / where)
    path = folder / "_config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """Build the whole book once per test session (into ``_build/html``, as
    ``make book`` does), from the execution cache nbval filled.

    A notebook nbval did not run in this session (pytest was started on
    ``tests/`` alone) is executed by the build if the cache has no current
    execution of it; one that failed under nbval is not executed again.
    """
    from exec_cache import CACHE, ensure_fresh
    from nbval_book import FAILED

    ensure_fresh()
    config = build_config(tmp_path_factory.mktemp("book-config"), FAILED)
    cmd = [
        str(BIN / "jupyter-book"), "build", str(ROOT), "--config", str(config),
        "--all", "-W", "-n", "--keep-going",
    ]  # fmt: skip
    proc = subprocess.run(
        cmd, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True,
        timeout=2400,
    )  # fmt: skip
    return BuiltBook(
        ROOT / "_build" / "html", CACHE, proc.returncode, proc.stdout + proc.stderr
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Build the Colab and floors venvs in the background while nbval runs the
    chapters (tests/test_colab.py), when those tests are selected."""
    for item in session.items:
        if item.path.name == "test_colab.py" and hasattr(item, "module"):
            item.module.prepare_in_background()
            return
