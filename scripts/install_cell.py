"""Every chapter's first code cell: install the helper package where it is missing.

The launch buttons open a chapter from the repository and branch that
``_config.yml`` names (``repository.url``, ``repository.branch``); the install cell
must install ``tutorial_utils`` from that same place, or a reader in Colab runs one
branch's chapter against another branch's helpers. So the cell is rendered from
``_config.yml`` here, in one place: ``python scripts/install_cell.py --write``
rewrites it in every notebook, and tests/test_install_cell.py fails when a notebook's
cell differs from what this script renders.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml
from book_toc import ROOT

__all__ = ["install_cell", "repository", "write_all"]

TEMPLATE = """\
# Fresh environments such as Colab: install the book's helper package from
# the repository and branch this chapter was opened from. pip keeps the
# torch, numpy and ipywidgets that are already installed.
import importlib
import importlib.metadata
import importlib.util
import os
import subprocess
import sys

REPOSITORY = "{url}"
BRANCH = "{branch}"
if importlib.util.find_spec("tutorial_utils") is None:
    default = f"git+{{REPOSITORY}}@{{BRANCH}}"
    source = os.environ.get("TUTORIAL_UTILS_SOURCE", default)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", source], check=True
    )
    importlib.invalidate_caches()
print("tutorial_utils", importlib.metadata.version("tutorial_utils"))"""


def repository(root: Path = ROOT) -> tuple[str, str]:
    """(url, branch) of the repository the launch buttons open."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    return repo["url"], repo.get("branch", "main")


def install_cell(root: Path = ROOT) -> str:
    """The source of the install cell, rendered from ``_config.yml``."""
    url, branch = repository(root)
    return TEMPLATE.format(url=url, branch=branch)


def write_all(root: Path = ROOT) -> list[str]:
    """Put the rendered install cell first in every notebook; return those changed."""
    cell = install_cell(root)
    changed = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        notebook = json.loads(text)
        first = next(c for c in notebook["cells"] if c["cell_type"] == "code")
        lines = cell.splitlines(keepends=True)
        if first["source"] != lines:
            first["source"] = lines
            indent = 1 if text.startswith("{\n ") else 2
            dumped = json.dumps(notebook, indent=indent, ensure_ascii=False)
            path.write_text(dumped + "\n", encoding="utf-8")
            changed.append(path.stem)
    return changed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the notebooks")
    if parser.parse_args().write:
        print("rewrote:", ", ".join(write_all()) or "nothing")
    else:
        print(install_cell())
