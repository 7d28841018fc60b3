from __future__ import annotations

import pytest
import torch

from tutorial_utils.text import load_char_corpus


def test_corpus_round_trip_and_split() -> None:
    corpus = load_char_corpus(max_chars=5000)
    assert len(corpus.text) == 5000
    ids = torch.cat([corpus.train_ids, corpus.val_ids, corpus.test_ids])
    assert corpus.decode(ids) == corpus.text
    assert len(corpus.val_ids) == len(corpus.test_ids) == 250
    assert corpus.vocab == tuple(sorted(set(corpus.text)))
    assert torch.equal(corpus.encode(corpus.text[:20]), ids[:20])


def test_full_corpus_is_large_and_deterministic() -> None:
    a, b = load_char_corpus(), load_char_corpus()
    assert len(a.text) > 300_000
    assert a.text == b.text and a.vocab_size == b.vocab_size


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
