"""A character-level text corpus that ships with Python itself.

The text is the help topics of Python's documentation (``pydoc_data.topics``),
about 465,000 characters of English prose and code: no download needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

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
            ValueError: if ``s`` holds a character outside the vocabulary.
        """
        unknown = sorted({c for c in s if c not in self.stoi})
        if unknown:
            raise ValueError(
                f"s contains characters outside the vocabulary: {unknown[:10]!r}"
            )
        return torch.tensor([self.stoi[c] for c in s], dtype=torch.int64)

    def decode(self, ids: torch.Tensor | list[int]) -> str:
        """Map character ids back to a string.

        Raises:
            ValueError: if an id is outside ``[0, vocab_size)``.
        """
        values = ids.tolist() if isinstance(ids, torch.Tensor) else list(ids)
        bad = [i for i in values if not 0 <= int(i) < self.vocab_size]
        if bad:
            raise ValueError(
                f"ids must be in [0, {self.vocab_size}); got {bad[:5]} out of range"
            )
        return "".join(self.vocab[int(i)] for i in values)


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
        ValueError: for a non-positive ``max_chars`` or fractions that leave no
            training text.
    """
    from pydoc_data.topics import topics

    if max_chars is not None and max_chars < 100:
        raise ValueError(f"max_chars must be at least 100; got {max_chars}")
    if not (0 < val_fraction < 0.5 and 0 < test_fraction < 0.5):
        raise ValueError(
            "val_fraction and test_fraction must each be in (0, 0.5); "
            f"got {val_fraction} and {test_fraction}"
        )
    text = "\n".join(topics[key] for key in sorted(topics))
    if max_chars is not None:
        text = text[:max_chars]
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
