"""Generated sequence tasks: every example is made by code, so nothing is downloaded.

- ``reverse`` / ``copy``: token sequences whose target is the input reversed or copied
  (tests whether a model can carry information across the whole sequence);
- ``adding``: Hochreiter and Schmidhuber's adding problem (long-range memory);
- ``sine``: noisy sine waves; the target is the next value (regression).
"""

from __future__ import annotations

import torch

from tutorial_utils.validate import check_int, check_seed, describe

__all__ = ["TASKS", "make_sequence_task"]

TASKS = ("copy", "reverse", "adding", "sine")


def make_sequence_task(
    task: str, *, n: int, seq_len: int, vocab_size: int = 10, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Make ``n`` examples of a toy sequence task.

    Returns ``(x, y)``:
        - ``copy``/``reverse``: ``x`` int64 ``(n, seq_len)`` with tokens in
          ``[0, vocab_size)``; ``y`` the same sequence copied or reversed.
        - ``adding``: ``x`` float32 ``(n, seq_len, 2)`` holding a random value and a
          marker (exactly two positions marked 1); ``y`` float32 ``(n,)``, the sum of
          the two marked values.
        - ``sine``: ``x`` float32 ``(n, seq_len, 1)``, a noisy sine wave with random
          frequency and phase; ``y`` float32 ``(n, seq_len, 1)``, the clean next
          values (``x`` shifted by one step).

    Example:
        >>> x, y = make_sequence_task("reverse", n=4, seq_len=5)
        >>> bool((y == x.flip(1)).all())
        True

    Raises:
        TypeError: if ``task`` is not a str, or ``n``, ``seq_len``, ``vocab_size``
            or ``seed`` is not an int (a bool or a float such as 5.5 is not).
        ValueError: for an unknown task, sizes that cannot work, or a seed
            outside ``[0, 2**32)``.
    """
    if not isinstance(task, str):
        raise TypeError(
            f"task must be a str, one of {', '.join(TASKS)}; got {describe(task)}"
        )
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}; got {task!r}")
    n = check_int("n", n, minimum=1)
    seq_len = check_int("seq_len", seq_len, minimum=2)
    vocab_size = check_int("vocab_size", vocab_size, minimum=2)
    g = torch.Generator().manual_seed(check_seed("seed", seed))
    if task in ("copy", "reverse"):
        x = torch.randint(0, vocab_size, (n, seq_len), generator=g)  # (n, T)
        y = x.clone() if task == "copy" else x.flip(1)  # (n, T)
        return x, y
    if task == "adding":
        values = torch.rand(n, seq_len, generator=g)  # (n, T)
        # two distinct marked positions per row: take the first two of a permutation
        keys = torch.rand(n, seq_len, generator=g)
        marked = keys.argsort(dim=1)[:, :2]  # (n, 2)
        markers = torch.zeros(n, seq_len).scatter_(1, marked, 1.0)  # (n, T)
        x = torch.stack([values, markers], dim=-1)  # (n, T, 2)
        y = (values * markers).sum(dim=1)  # (n,)
        return x, y
    freq = 0.1 + 0.3 * torch.rand(n, 1, generator=g)  # (n, 1) radians per step
    phase = 2 * torch.pi * torch.rand(n, 1, generator=g)  # (n, 1)
    t = torch.arange(seq_len + 1, dtype=torch.float32)  # (T+1,)
    clean = torch.sin(freq * t + phase)  # (n, T+1)
    noisy = clean + 0.05 * torch.randn(clean.shape, generator=g)
    return noisy[:, :-1, None], clean[:, 1:, None]  # (n, T, 1), (n, T, 1)
