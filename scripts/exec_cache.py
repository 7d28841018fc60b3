"""The book's execution cache, kept only while nothing that changes a result changed.

jupyter-cache (which Jupyter Book uses) matches an executed notebook by its code
cells alone. A change to ``tutorial_utils``, to the pins or to Python can change what
a chapter prints without changing its code, so this module keys the whole cache on
those too: when the key differs, the cache is emptied before anything reads it.

``make book`` calls ``python scripts/exec_cache.py`` before building; the test suite
(tests/nbval_book.py) stores each notebook nbval executed through :func:`store`, so
the book build that follows in the same ``make test`` reads it instead of running
the notebook again.
"""

from __future__ import annotations

import hashlib
import platform
import shutil
import sys
from pathlib import Path

import nbformat
from book_toc import ROOT
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

__all__ = ["CACHE", "current_key", "ensure_fresh", "store"]

CACHE = ROOT / "_build" / ".jupyter_cache"
KEY_FILE = ROOT / "_build" / ".jupyter_cache.key"
# Besides each notebook's code: what can change a chapter's outputs.
KEYED = ("tutorial_utils", "requirements.txt", "pyproject.toml")


def current_key(root: Path = ROOT) -> str:
    """sha256 over the helper package, the pins, Python's version and the platform."""
    digest = hashlib.sha256(f"{sys.version}|{platform.machine()}".encode())
    for name in KEYED:
        path = root / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(root)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def ensure_fresh(
    cache: Path = CACHE, key_file: Path = KEY_FILE, root: Path = ROOT
) -> bool:
    """Empty ``cache`` if it was filled under another key; True if it was emptied."""
    key = current_key(root)
    stale = not key_file.exists() or key_file.read_text().strip() != key
    if stale:
        shutil.rmtree(cache, ignore_errors=True)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key + "\n")
    return stale


def store(
    notebook: nbformat.NotebookNode, source: Path, seconds: float, cache: Path = CACHE
) -> None:
    """Record ``notebook`` (executed from ``source``) as the cached execution."""
    ensure_fresh(cache)
    bundle = CacheBundleIn(
        notebook, str(source), data={"execution_seconds": round(seconds, 2)}
    )
    get_cache(cache).cache_notebook_bundle(bundle, check_validity=False, overwrite=True)


if __name__ == "__main__":
    emptied = ensure_fresh()
    print("execution cache emptied: the helpers, pins or Python changed" if emptied
          else "execution cache is current")  # fmt: skip
