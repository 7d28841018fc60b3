"""The book's text: Python 3.11.7's help topics, a fixed copy shipped with the package.

``help("if")`` in Python prints a page of the documentation; the pages come from
``pydoc_data.topics``, which every Python release regenerates (465,048 characters
joined on 3.11, 492,233 on 3.12, 510,664 on 3.13). Every threshold and number in
the book was measured on 3.11.7's pages, so the package ships that copy,
``help_topics.json.xz``, and every Python reads the same text.
``help_topics.NOTICE.txt`` next to it says where it comes from and holds its
licence (the PSF License Agreement for Python 3.11.7).

This module needs nothing outside the standard library (no torch), so any Python
can check the copy: ``python -c "from tutorial_utils.help_topics import
load_help_text; print(len(load_help_text()))"`` prints 465048.
"""

from __future__ import annotations

import hashlib
import json
import lzma
from pathlib import Path

__all__ = ["TOPICS_FILE", "TOPICS_SHA256", "load_help_topics", "load_help_text"]

TOPICS_FILE = Path(__file__).with_name("help_topics.json.xz")
# sha256 of the decompressed file: the JSON of pydoc_data.topics on Python 3.11.7
TOPICS_SHA256 = "5995015bae077ec02e49b859f8fcf314bad467cda7183f64bc3463adfdf7ad54"


def load_help_topics() -> dict[str, str]:
    """Python 3.11.7's help pages, topic name -> page text (79 pages).

    The same mapping as ``pydoc_data.topics.topics`` on Python 3.11.7, on any
    Python.

    Example:
        >>> load_help_topics()["if"].splitlines()[0]
        'The "if" statement'

    Raises:
        FileNotFoundError: if the shipped file is missing (an install without
            the package data).
        ValueError: if the file is corrupt (its content does not have the
            sha256 ``TOPICS_SHA256``).
    """
    try:
        raw = lzma.decompress(TOPICS_FILE.read_bytes())
    except (lzma.LZMAError, EOFError) as error:
        raise ValueError(_corrupt(f"it is not a valid .xz file ({error})")) from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != TOPICS_SHA256:
        raise ValueError(_corrupt(f"its text has sha256 {digest}"))
    return json.loads(raw.decode("utf-8"))


def load_help_text() -> str:
    """The corpus text: every help page, in the order of their names, joined by
    newlines (465,048 characters, 103 distinct).

    Example:
        >>> load_help_text()[:22]
        'The "assert" statement'

    Raises:
        FileNotFoundError, ValueError: as :func:`load_help_topics`.
    """
    topics = load_help_topics()
    return "\n".join(topics[key] for key in sorted(topics))


def _corrupt(what: str) -> str:
    return (
        f"{TOPICS_FILE} is corrupt: {what}; expected sha256 {TOPICS_SHA256}. "
        "Reinstall tutorial_utils, or restore the file from the repository."
    )
