"""The shipped text: its checksum, its errors, and the same text on every Python."""

from __future__ import annotations

import hashlib
import json
import lzma
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from book_toc import ROOT

import tutorial_utils.help_topics as help_topics
from tutorial_utils.help_topics import (
    TOPICS_FILE,
    TOPICS_SHA256,
    load_help_text,
    load_help_topics,
)

# What every threshold and number in the book was measured on (Python 3.11.7).
CHARACTERS, DISTINCT = 465_048, 103
TEXT_SHA256 = "2a95af4ac93f5b719944030ce3769070ddf827d847cba42192afa8da989e5dc4"


def test_the_shipped_file_has_its_checksum() -> None:
    raw = lzma.decompress(TOPICS_FILE.read_bytes())
    assert hashlib.sha256(raw).hexdigest() == TOPICS_SHA256
    assert load_help_topics() == json.loads(raw)


def test_the_pages_and_the_text_are_python_3_11_7s() -> None:
    topics = load_help_topics()
    assert len(topics) == 79 and all(isinstance(v, str) for v in topics.values())
    assert topics["if"].startswith('The "if" statement\n')
    text = load_help_text()
    assert (len(text), len(set(text))) == (CHARACTERS, DISTINCT)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == TEXT_SHA256
    assert text == "\n".join(topics[key] for key in sorted(topics))


@pytest.mark.skipif(
    sys.version_info[:3] != (3, 11, 7),
    reason="pydoc_data.topics differs between releases; the shipped copy is "
    f"3.11.7's, this is {sys.version.split()[0]}",
)
def test_the_copy_equals_pydoc_data_on_3_11_7() -> None:
    from pydoc_data.topics import topics

    assert load_help_topics() == topics


def _xz(text: str) -> bytes:
    return lzma.compress(text.encode("utf-8"), format=lzma.FORMAT_XZ)


def _one_character_changed() -> bytes:
    raw = lzma.decompress(TOPICS_FILE.read_bytes()).decode("utf-8")
    return _xz(raw.replace("statement", "statemant", 1))


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (None, FileNotFoundError, "help_topics.json.xz"),
        (b"not xz at all", ValueError, "is corrupt: it is not a valid .xz file"),
        (TOPICS_FILE.read_bytes()[:5000], ValueError, "not a valid .xz file"),
        (_xz("{}"), ValueError, "is corrupt: its text has sha256 44136fa355b3"),
        (_one_character_changed(), ValueError, f"expected sha256 {TOPICS_SHA256}"),
    ],
    ids=["missing", "not-xz", "truncated", "other-json", "one-character"],
)
def test_a_missing_or_corrupt_file_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes | None,
    error: type,
    message: str,
) -> None:
    path = tmp_path / "help_topics.json.xz"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setattr(help_topics, "TOPICS_FILE", path)
    with pytest.raises(error, match=message):
        load_help_text()


CHECK = f"""
import hashlib, sys
sys.modules["torch"] = sys.modules["numpy"] = None  # importing either fails
sys.path.insert(0, {str(ROOT)!r})
from tutorial_utils.help_topics import load_help_text
text = load_help_text()
print(len(text), len(set(text)), hashlib.sha256(text.encode()).hexdigest())
"""
EXPECTED = f"{CHARACTERS} {DISTINCT} {TEXT_SHA256}"


def test_loading_needs_only_the_standard_library() -> None:
    result = subprocess.run(
        [sys.executable, "-I", "-c", CHECK], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == EXPECTED.split()


def other_pythons() -> dict[str, str]:
    """Version -> interpreter, for each Python >= 3.10 found other than this one."""
    candidates = [shutil.which(f"python3.{minor}") for minor in range(10, 16)]
    candidates += map(str, Path.home().glob(".pyenv/versions/3.*/bin/python3"))
    found = {}
    for python in filter(None, candidates):
        probe = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:3], sep='.')"],
            capture_output=True,
            text=True,
        )
        version = probe.stdout.strip()
        if probe.returncode == 0 and tuple(map(int, version.split(".")[:2])) >= (3, 10):
            found.setdefault(version, python)
    found.pop(sys.version.split()[0], None)
    return found


def test_every_python_reads_the_same_text() -> None:
    """The point of shipping the copy: other Pythons' own pydoc_data differ."""
    pythons = other_pythons()
    if not pythons:
        pytest.skip("no Python other than this one (3.10 or newer) is installed")
    for version, python in sorted(pythons.items()):
        result = subprocess.run(
            [python, "-I", "-c", CHECK], capture_output=True, text=True
        )
        assert result.returncode == 0, f"Python {version}: {result.stderr}"
        assert result.stdout.split() == EXPECTED.split(), f"Python {version}"
