from __future__ import annotations

import numpy as np
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


@pytest.mark.parametrize("task", ["copy", "adding", "sine"])
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seq_len": 5.5}, "seq_len must be an int; got float 5.5"),
        ({"seq_len": 6.0}, "seq_len must be an int; got float 6.0"),
        ({"n": 4.0}, "n must be an int; got float 4.0"),
        ({"n": True}, "n must be an int; got bool True"),
        ({"vocab_size": 10.0}, "vocab_size must be an int; got float 10.0"),
        ({"seed": 0.5}, "seed must be an int; got float 0.5"),
        ({"seed": None}, "seed must be an int; got None"),
    ],
)
def test_sizes_and_seed_must_be_ints(task: str, kwargs: dict, message: str) -> None:
    arguments = {"n": 4, "seq_len": 6, **kwargs}
    with pytest.raises(TypeError, match=message):
        make_sequence_task(task, **arguments)


@pytest.mark.parametrize("bad", [None, 3, ["copy"]])
def test_task_must_be_a_str(bad: object) -> None:
    with pytest.raises(TypeError, match="task must be a str, one of copy, reverse"):
        make_sequence_task(bad, n=2, seq_len=3)  # type: ignore[arg-type]


def test_seed_range_and_numpy_integers() -> None:
    with pytest.raises(ValueError, match=r"seed must be in \[0, 2\*\*32\); got -1"):
        make_sequence_task("copy", n=2, seq_len=3, seed=-1)
    a = make_sequence_task("copy", n=np.int64(2), seq_len=np.int32(3), seed=np.int8(1))
    b = make_sequence_task("copy", n=2, seq_len=3, seed=1)
    assert all(torch.equal(p, q) for p, q in zip(a, b, strict=True))
