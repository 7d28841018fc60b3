"""Next-token training windows and temperature sampling for language models.

Chapter 06 builds its recurrent language models with these; the later chapters'
language models (embeddings, attention, the Transformer) reuse them, so that every
model is trained on the same windows and sampled the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from tutorial_utils.text import CharCorpus
from tutorial_utils.validate import check_int, check_real, check_seed, describe

__all__ = ["next_token_windows", "sample_text"]

StepFn = Callable[[Tensor, Any], tuple[Tensor, Any]]


def next_token_windows(
    ids: Tensor, seq_len: int, *, stride: int | None = None
) -> tuple[Tensor, Tensor]:
    """Cut a 1-D id sequence into inputs and next-token targets.

    Window ``k`` starts at ``s = k * stride``: its input is ``ids[s : s + seq_len]``
    and its target ``ids[s + 1 : s + seq_len + 1]``, the same text one position on,
    so position ``t`` of the target is the token that follows position ``t`` of the
    input. ``stride`` defaults to ``seq_len`` (windows that do not overlap). Windows
    that would run past the end are dropped.

    Example:
        >>> X, Y = next_token_windows(torch.arange(7), 3)
        >>> X.tolist(), Y.tolist()
        ([[0, 1, 2], [3, 4, 5]], [[1, 2, 3], [4, 5, 6]])

    Returns:
        ``(X, Y)``, two ``int64`` tensors of shape ``(N, seq_len)``.

    Raises:
        TypeError: if ``ids`` is not an integer tensor, or ``seq_len`` or
            ``stride`` is not an int.
        ValueError: if ``ids`` is not 1-D, ``seq_len`` or ``stride`` is below 1,
            or ``ids`` is too short for one window (``seq_len + 1`` tokens).
    """
    if not isinstance(ids, Tensor) or ids.dtype.is_floating_point or ids.is_complex():
        raise TypeError(f"ids must be an integer torch.Tensor; got {describe(ids)}")
    if ids.ndim != 1:
        raise ValueError(f"ids must be 1-D; got shape {tuple(ids.shape)}")
    seq_len = check_int("seq_len", seq_len, minimum=1)
    stride = seq_len if stride is None else check_int("stride", stride, minimum=1)
    if len(ids) < seq_len + 1:
        raise ValueError(
            f"ids must hold at least seq_len + 1 = {seq_len + 1} tokens for one "
            f"window and its target; got {len(ids)}"
        )
    ids = ids.to(torch.int64)
    X = ids[:-1].unfold(0, seq_len, stride)  # (N, seq_len)
    Y = ids[1:].unfold(0, seq_len, stride)  # (N, seq_len)
    return X.clone(), Y.clone()


def _check_prompt(prompt: Any, corpus: CharCorpus) -> None:
    if not isinstance(prompt, str):
        raise TypeError(f"prompt must be a str; got {describe(prompt)}")
    if not prompt:
        raise ValueError(
            "prompt must hold at least one character: the model needs something to "
            "continue; got ''"
        )
    unknown = sorted({c for c in prompt if c not in corpus.stoi})
    if unknown:
        raise ValueError(
            f"prompt contains characters that never occur in the training text, "
            f"so the model has no input for them: {unknown[:10]!r}"
        )


def sample_text(
    step: StepFn,
    corpus: CharCorpus,
    prompt: str,
    *,
    length: int,
    temperature: float = 1.0,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> str:
    """Continue ``prompt`` by ``length`` tokens drawn one at a time from a model.

    ``step(ids, state)`` runs the model: ``ids`` is an ``int64`` tensor of shape
    ``(1, t)`` on ``device``, ``state`` is ``None`` at the start and afterwards
    what the previous call returned; it returns ``(logits, state)`` with logits of
    shape ``(1, t, V)``. The prompt is read in one call, then each new token is fed
    back alone. The next token is drawn from ``softmax(logits / temperature)`` at
    the last position: ``temperature`` 1 samples the model's own distribution,
    below 1 sharpens it towards the most likely token (greedy as it approaches 0),
    above 1 flattens it towards uniform. Draws come from a CPU generator seeded with
    ``seed``, so a result repeats on any device. Runs without gradients; put a model
    with dropout in eval mode first.

    Example:
        >>> sample_text(model.step, corpus, "def ", length=40,
        ...             temperature=0.8, device=device)  # doctest: +SKIP

    Returns:
        The prompt followed by the ``length`` generated characters.

    Raises:
        TypeError: if ``step`` is not callable, ``corpus`` is not a ``CharCorpus``,
            ``prompt`` is not a str, ``length`` or ``seed`` not an int or
            ``temperature`` not a real number.
        ValueError: if ``prompt`` is empty or holds characters outside the
            corpus's vocabulary, ``length`` is negative, ``temperature`` is not
            positive and finite, or ``step`` returns logits of the wrong shape.
    """
    if not callable(step):
        raise TypeError(
            f"step must be a function (ids, state) -> (logits, state); "
            f"got {describe(step)}"
        )
    if not isinstance(corpus, CharCorpus):
        raise TypeError(f"corpus must be a CharCorpus; got {describe(corpus)}")
    _check_prompt(prompt, corpus)
    length = check_int("length", length, minimum=0)
    temperature = check_real("temperature", temperature)
    if temperature <= 0:
        raise ValueError(f"temperature must be positive; got {temperature}")
    generator = torch.Generator().manual_seed(check_seed("seed", seed))
    V = corpus.vocab_size
    ids = corpus.encode(prompt)[None].to(device)  # (1, t)
    state: Any = None
    generated: list[int] = []
    with torch.no_grad():
        for _ in range(length):
            logits, state = step(ids, state)
            if not isinstance(logits, Tensor) or tuple(logits.shape) != (
                1, ids.shape[1], V,
            ):  # fmt: skip
                raise ValueError(
                    f"step must return logits of shape (1, {ids.shape[1]}, {V}) "
                    f"for ids of shape {tuple(ids.shape)}; got {describe(logits)}"
                )
            scaled = logits[0, -1].double().cpu() / temperature  # (V,)
            probs = torch.softmax(scaled, dim=-1)
            next_id = int(torch.multinomial(probs, 1, generator=generator))
            generated.append(next_id)
            ids = torch.tensor([[next_id]], device=device)  # (1, 1)
    return prompt + corpus.decode(generated)
