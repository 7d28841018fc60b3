from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from tutorial_utils.seed import set_seed


def draw() -> tuple[float, float, list[float]]:
    return random.random(), float(np.random.rand()), torch.rand(3).tolist()


def test_same_seed_same_numbers() -> None:
    set_seed(123)
    first = draw()
    set_seed(123)
    assert draw() == first


def test_different_seed_different_numbers() -> None:
    set_seed(1)
    first = draw()
    set_seed(2)
    second = draw()
    assert all(a != b for a, b in zip(first, second, strict=True))


@pytest.mark.parametrize("bad", [1.5, "3", None, True])
def test_non_int_seed(bad: object) -> None:
    with pytest.raises(TypeError, match="seed must be an int"):
        set_seed(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1, 2**32])
def test_out_of_range_seed(bad: int) -> None:
    with pytest.raises(ValueError, match=r"seed must be in \[0, 2\*\*32\)"):
        set_seed(bad)


@pytest.mark.parametrize("seed", [np.int64(7), np.uint32(7), np.int8(7)])
def test_numpy_integer_seed_is_the_same_seed(seed: np.integer) -> None:
    set_seed(7)
    expected = draw()
    returned = set_seed(seed)
    assert returned == 7 and type(returned) is int
    assert draw() == expected


@pytest.mark.parametrize("bad", [np.float64(1.0), np.bool_(True), torch.tensor(3)])
def test_numpy_and_tensor_non_ints(bad: object) -> None:
    with pytest.raises(TypeError, match="seed must be an int; got"):
        set_seed(bad)  # type: ignore[arg-type]
