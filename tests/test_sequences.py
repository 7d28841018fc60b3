from __future__ import annotations

import pytest
import torch

from tutorial_utils.sequences import make_sequence_task


def test_copy_and_reverse() -> None:
    x, y = make_sequence_task("copy", n=8, seq_len=6, vocab_size=5)
    assert x.shape == (8, 6) and x.dtype == torch.int64 and torch.equal(x, y)
    assert int(x.max()) < 5 and int(x.min()) >= 0
    x, y = make_sequence_task("reverse", n=8, seq_len=6)
    assert torch.equal(y, x.flip(1))


def test_adding_problem_has_two_markers_and_right_sum() -> None:
    x, y = make_sequence_task("adding", n=16, seq_len=20, seed=3)
    assert x.shape == (16, 20, 2) and y.shape == (16,)
    assert torch.equal(x[..., 1].sum(1), torch.full((16,), 2.0))
    marked = x[..., 1].bool()
    expected = torch.stack([x[i, marked[i], 0].sum() for i in range(16)])
    torch.testing.assert_close(y, expected)


def test_sine_target_is_next_clean_value() -> None:
    x, y = make_sequence_task("sine", n=4, seq_len=30)
    assert x.shape == y.shape == (4, 30, 1)
    # the input is noisy, so it is close to (not equal to) the target shifted back
    assert float((x[:, 1:] - y[:, :-1]).abs().mean()) < 0.1


def test_seeded() -> None:
    a = make_sequence_task("adding", n=3, seq_len=5, seed=1)
    b = make_sequence_task("adding", n=3, seq_len=5, seed=1)
    assert all(torch.equal(p, q) for p, q in zip(a, b, strict=True))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task": "sort", "n": 1, "seq_len": 3}, "task must be one of"),
        ({"task": "copy", "n": 0, "seq_len": 3}, "n must be at least 1"),
        ({"task": "copy", "n": 1, "seq_len": 1}, "seq_len must be at least 2"),
        ({"task": "copy", "n": 1, "seq_len": 3, "vocab_size": 1}, "vocab_size"),
    ],
)
def test_errors(kwargs: dict, message: str) -> None:
    task = kwargs.pop("task")
    with pytest.raises(ValueError, match=message):
        make_sequence_task(task, **kwargs)
