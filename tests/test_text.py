from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import tutorial_utils.help_topics as help_topics
from tutorial_utils.text import CharCorpus, load_char_corpus


def test_corpus_round_trip_and_split() -> None:
    corpus = load_char_corpus(max_chars=5000)
    assert len(corpus.text) == 5000
    ids = torch.cat([corpus.train_ids, corpus.val_ids, corpus.test_ids])
    assert corpus.decode(ids) == corpus.text
    assert len(corpus.val_ids) == len(corpus.test_ids) == 250
    assert corpus.vocab == tuple(sorted(set(corpus.text)))
    assert torch.equal(corpus.encode(corpus.text[:20]), ids[:20])


def test_full_corpus_is_the_text_the_book_measured() -> None:
    """Python 3.11.7's help pages on every Python: the book's numbers hold."""
    a, b = load_char_corpus(), load_char_corpus()
    assert (len(a.text), a.vocab_size) == (465_048, 103)
    assert a.text == b.text and a.vocab == b.vocab
    assert a.text.startswith('The "assert" statement\n')  # pages sorted by name
    assert (len(a.train_ids), len(a.val_ids), len(a.test_ids)) == (
        418_544,
        23_252,
        23_252,
    )


@pytest.mark.skipif(
    sys.version_info[:3] != (3, 11, 7),
    reason="pydoc_data.topics differs between releases; the shipped copy is "
    f"3.11.7's, this is {sys.version.split()[0]}",
)
def test_corpus_is_what_pydoc_data_gave_on_3_11_7() -> None:
    """Byte for byte the text the book read from pydoc_data before it shipped one."""
    from pydoc_data.topics import topics

    expected = "\n".join(topics[key] for key in sorted(topics))
    assert load_char_corpus().text == expected


def test_a_corrupt_corpus_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corrupt = bytearray(help_topics.TOPICS_FILE.read_bytes())
    corrupt[len(corrupt) // 2] ^= 0xFF
    monkeypatch.setattr(help_topics, "TOPICS_FILE", tmp_path / "help_topics.json.xz")
    help_topics.TOPICS_FILE.write_bytes(bytes(corrupt))
    with pytest.raises(ValueError, match="help_topics.json.xz is corrupt"):
        load_char_corpus(max_chars=1000)


def test_errors() -> None:
    corpus = load_char_corpus(max_chars=1000)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        corpus.encode("\u4e2d")
    with pytest.raises(ValueError, match=r"ids must be in \[0, "):
        corpus.decode([corpus.vocab_size])
    with pytest.raises(ValueError, match="max_chars must be at least 100"):
        load_char_corpus(max_chars=10)
    with pytest.raises(ValueError, match="val_fraction and test_fraction"):
        load_char_corpus(val_fraction=0.6)


@pytest.fixture(scope="module")
def corpus() -> CharCorpus:
    return load_char_corpus(max_chars=1000)


def test_decode_accepts_integer_ids_in_every_form(corpus: CharCorpus) -> None:
    ids = corpus.encode("def ")
    assert corpus.decode(ids) == "def "
    assert corpus.decode(ids.to(torch.int32)) == "def "
    assert corpus.decode(ids.numpy()) == "def "
    assert corpus.decode(list(ids)) == "def "  # 0-d tensors, e.g. sampled tokens
    assert corpus.decode([np.int64(i) for i in ids.tolist()]) == "def "
    assert corpus.decode(ids[0]) == "d" and corpus.decode(int(ids[0])) == "d"
    assert corpus.decode([]) == ""


@pytest.mark.parametrize(
    ("ids", "error", "message"),
    [
        ([1.7], TypeError, "ids must hold integer ids; got float 1.7 at position 0"),
        ([1, 2.0], TypeError, "got float 2.0 at position 1"),
        ([True], TypeError, "got bool True at position 0"),
        (torch.tensor([1.7, 2.0]), TypeError, "got Tensor of dtype torch.float32"),
        (torch.tensor([1, 2], dtype=torch.bfloat16), TypeError, "torch.bfloat16"),
        (torch.tensor([True]), TypeError, "got Tensor of dtype torch.bool"),
        (np.array([1.0]), TypeError, "got ndarray of dtype float64"),
        (1.0, TypeError, "ids must be a tensor, array or sequence of int; got float"),
        ("abc", TypeError, "ids must be a tensor, array or sequence of int; got str"),
        (None, TypeError, "sequence of int; got None"),
        (torch.zeros(2, 3, dtype=torch.int64), ValueError, r"1-D; got shape \(2, 3\)"),
        ([-1], ValueError, r"ids must be in \[0, "),
    ],
)
def test_decode_bad_ids(
    corpus: CharCorpus, ids: object, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        corpus.decode(ids)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [None, ["a"], b"abc", 3])
def test_encode_needs_a_str(corpus: CharCorpus, bad: object) -> None:
    with pytest.raises(TypeError, match="s must be a str; got"):
        corpus.encode(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"max_chars": 500.0}, TypeError, "max_chars must be an int; got float 500.0"),
        ({"max_chars": True}, TypeError, "max_chars must be an int; got bool True"),
        ({"max_chars": "500"}, TypeError, "max_chars must be an int; got str"),
        ({"val_fraction": "0.1"}, TypeError, "val_fraction must be a real number"),
        ({"test_fraction": None}, TypeError, "test_fraction must be a real number"),
        ({"test_fraction": 0.0}, ValueError, "each be in \\(0, 0.5\\)"),
        ({"val_fraction": float("nan")}, ValueError, "val_fraction must be a finite"),
        (
            {"max_chars": 100, "val_fraction": 0.001},
            ValueError,
            "the text \\(100 characters with max_chars=100\\) is too short .* "
            "at least 1000 characters",
        ),
    ],
)
def test_load_char_corpus_bad_arguments(
    kwargs: dict, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        load_char_corpus(**kwargs)


def test_load_char_corpus_accepts_numpy_integers() -> None:
    assert len(load_char_corpus(max_chars=np.int64(200)).text) == 200
