"""Shared fixtures: the repository root and the book built once in smoke mode."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def toc_files() -> list[str]:
    """Every page of _toc.yml in order, without extension (``notebooks/00_setup``)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", [toc]):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


@dataclass(frozen=True)
class BuiltBook:
    """Where the smoke-mode build landed, and what the builder printed."""

    html: Path
    returncode: int
    log: str


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def smoke_book() -> BuiltBook:
    """Build the whole book once per test session, notebooks executed in smoke mode.

    ``--all`` re-reads every page so that warnings of unchanged pages are reported
    again; executed notebooks come from the smoke build's own execution cache.
    """
    out = ROOT / "_build" / "smoke"
    env = {**os.environ, "BOOK_RUN_MODE": "smoke"}
    cmd = [
        str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", str(out),
        "--all", "-W", "-n", "--keep-going",
    ]  # fmt: skip
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    return BuiltBook(
        out / "_build" / "html", proc.returncode, proc.stdout + proc.stderr
    )
