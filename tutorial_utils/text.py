"""A character-level text corpus that ships with the package.

The text is the help topics of Python 3.11.7's documentation (what ``help("if")``
prints), about 465,000 characters of English prose and code: no download needed,
and the same on every Python (see :mod:`tutorial_utils.help_topics`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from tutorial_utils.help_topics import load_help_text
from tutorial_utils.validate import check_int, check_real, describe

__all__ = ["CharCorpus", "load_char_corpus"]


@dataclass(frozen=True)
class CharCorpus:
    """A text, its character vocabulary and contiguous train/val/test id tensors."""

    text: str
    vocab: tuple[str, ...]
    train_ids: torch.Tensor
    val_ids: torch.Tensor
    test_ids: torch.Tensor
    stoi: dict[str, int] = field(repr=False, default_factory=dict)

    @property
    def vocab_size(self) -> int:
        """Number of distinct characters."""
        return len(self.vocab)

    def encode(self, s: str) -> torch.Tensor:
        """Map a string to a 1-D ``int64`` tensor of character ids.

        Raises:
            TypeError: if ``s`` is not a str.
            ValueError: if ``s`` holds a character outside the vocabulary.
        """
        if not isinstance(s, str):
            raise TypeError(f"s must be a str; got {describe(s)}")
        unknown = sorted({c for c in s if c not in self.stoi})
        if unknown:
            raise ValueError(
                f"s contains characters outside the vocabulary: {unknown[:10]!r}"
            )
        return torch.tensor([self.stoi[c] for c in s], dtype=torch.int64)

    def decode(self, ids: torch.Tensor | np.ndarray | Sequence[int] | int) -> str:
        """Map character ids (a 1-D tensor, array or sequence, or one id) to a string.

        Example:
            >>> corpus.decode(corpus.encode("def"))  # doctest: +SKIP
            'def'

        Raises:
            TypeError: if an id is not an integer (floats, bools and strings are
                not: ``1.7`` is no character id).
            ValueError: if ``ids`` has more than one dimension or an id is outside
                ``[0, vocab_size)``.
        """
        values = _ids(ids)
        bad = [i for i in values if not 0 <= i < self.vocab_size]
        if bad:
            raise ValueError(
                f"ids must be in [0, {self.vocab_size}); got {bad[:5]} out of range"
            )
        return "".join(self.vocab[i] for i in values)


def _ids(ids: Any) -> list[int]:
    """The ids as ints: a 1-D tensor, array or sequence, or one scalar id."""
    if isinstance(ids, (torch.Tensor, np.ndarray)):
        if ids.ndim > 1:
            raise ValueError(f"ids must be 1-D; got shape {tuple(ids.shape)}")
        if not str(ids.dtype).removeprefix("torch.").startswith(("int", "uint")):
            raise TypeError(f"ids must hold integer ids; got {describe(ids)}")
        return [int(i) for i in ids.reshape(-1).tolist()]
    if isinstance(ids, numbers.Integral) and not isinstance(ids, bool):
        return [int(ids)]
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise TypeError(
            f"ids must be a tensor, array or sequence of int; got {describe(ids)}"
        )
    return [_one_id(value, position) for position, value in enumerate(ids)]


def _one_id(value: Any, position: int) -> int:
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim == 0:
        return _ids(value)[0]  # an element of a tensor, e.g. a sampled token
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"ids must hold integer ids; got {describe(value)} at position {position}"
        )
    return int(value)


def load_char_corpus(
    *,
    max_chars: int | None = None,
    val_fraction: float = 0.05,
    test_fraction: float = 0.05,
) -> CharCorpus:
    """Load the corpus; the last ``val+test`` share of the text is held out.

    The split is contiguous (train, then val, then test) so that held-out text is
    never seen, not even as overlapping context.

    Args:
        max_chars: keep only the first ``max_chars`` characters (for quick runs).
        val_fraction, test_fraction: shares of the text held out at the end.

    Raises:
        TypeError: if ``max_chars`` is not an int or None (a bool or a float is
            not an int), or a fraction is not a real number.
        ValueError: if ``max_chars`` is below 100, a fraction is outside
            ``(0, 0.5)``, or the text is too short to give the validation and test
            parts a character each, or the shipped text is corrupt.
        FileNotFoundError: if the shipped text is missing.
    """
    if max_chars is not None:
        max_chars = check_int("max_chars", max_chars, minimum=100)
    fractions = [
        check_real(label, value)
        for label, value in (
            ("val_fraction", val_fraction),
            ("test_fraction", test_fraction),
        )
    ]
    if not all(0 < fraction < 0.5 for fraction in fractions):
        raise ValueError(
            "val_fraction and test_fraction must each be in (0, 0.5); "
            f"got {val_fraction} and {test_fraction}"
        )
    text = load_help_text()
    if max_chars is not None:
        text = text[:max_chars]
    if int(len(text) * min(fractions)) < 1:
        raise ValueError(
            f"the text ({len(text)} characters with max_chars={max_chars}) is too "
            f"short for val_fraction={val_fraction} and test_fraction="
            f"{test_fraction}: a held-out part would be empty; it needs at least "
            f"{math.ceil(1 / min(fractions))} characters"
        )
    vocab = tuple(sorted(set(text)))
    stoi = {c: i for i, c in enumerate(vocab)}
    ids = torch.tensor([stoi[c] for c in text], dtype=torch.int64)
    n_val, n_test = int(len(ids) * val_fraction), int(len(ids) * test_fraction)
    n_train = len(ids) - n_val - n_test
    return CharCorpus(
        text=text,
        vocab=vocab,
        train_ids=ids[:n_train],
        val_ids=ids[n_train : n_train + n_val],
        test_ids=ids[n_train + n_val :],
        stoi=stoi,
    )
