"""The book's table of contents, read from ``_toc.yml`` in one place.

Used by ``scripts/measure_timings.py`` and by the tests (``pythonpath`` in
``pyproject.toml`` puts this folder on the tests' import path).
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["ROOT", "toc_files", "toc_notebooks"]


def toc_files(root: Path = ROOT) -> list[str]:
    """Every page of ``_toc.yml`` in order, without extension (``book/intro``)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", [toc]):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def toc_notebooks(root: Path = ROOT) -> dict[str, Path]:
    """Notebook name (``00_setup``) -> path, for the toc pages that are notebooks."""
    paths = [root / f"{f}.ipynb" for f in toc_files(root)]
    return {p.stem: p for p in paths if p.exists()}
