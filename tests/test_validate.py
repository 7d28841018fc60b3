from __future__ import annotations

import numpy as np
import pytest
import torch

from tutorial_utils.validate import (
    check_bool,
    check_int,
    check_real,
    check_seed,
    check_str,
    describe,
)


def test_describe_names_type_and_value() -> None:
    assert describe(1.5) == "float 1.5"
    assert describe(None) == "None"
    assert describe(np.float32(0.5)) == "numpy float32 0.5"
    assert describe(torch.tensor(True)) == "Tensor of dtype torch.bool holding True"
    assert describe(np.zeros((2, 3))) == "ndarray of dtype float64 and shape (2, 3)"
    assert describe("x" * 100).endswith("...") and len(describe("x" * 100)) < 50


def test_check_int_accepts_ints_and_numpy_ints() -> None:
    assert check_int("n", 3) == 3
    value = check_int("n", np.int64(4), minimum=1, maximum=4)
    assert value == 4 and type(value) is int


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "n must be an int; got bool True"),
        (np.bool_(False), "n must be an int; got numpy bool False"),
        (2.0, "n must be an int; got float 2.0"),
        ("2", "n must be an int; got str '2'"),
        (torch.tensor(2), "n must be an int; got Tensor"),
    ],
)
def test_check_int_type_errors(value: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        check_int("n", value)


def test_check_int_range_errors() -> None:
    with pytest.raises(ValueError, match="n must be at least 1; got 0"):
        check_int("n", 0, minimum=1)
    with pytest.raises(ValueError, match="n must be at most 5; got 6"):
        check_int("n", 6, maximum=5)


def test_check_seed() -> None:
    assert check_seed("seed", np.uint32(2**32 - 1)) == 2**32 - 1
    with pytest.raises(ValueError, match=r"seed must be in \[0, 2\*\*32\); got -1"):
        check_seed("seed", -1)
    with pytest.raises(TypeError, match="seed must be an int; got float"):
        check_seed("seed", 1.0)


def test_check_real() -> None:
    assert check_real("lr", 1) == 1.0 and check_real("lr", np.float16(0.5)) == 0.5
    assert check_real("x", float("inf"), finite=False) == float("inf")
    for bad in (True, "0.1", None, torch.tensor(0.1)):
        with pytest.raises(TypeError, match="lr must be a real number; got"):
            check_real("lr", bad)
    for bad in (float("nan"), float("inf"), -np.inf):
        with pytest.raises(ValueError, match="lr must be a finite number; got"):
            check_real("lr", bad)


def test_check_bool() -> None:
    assert check_bool("flag", True) is True and check_bool("flag", np.bool_(0)) is False
    for bad in (1, 0, None, "True"):
        with pytest.raises(TypeError, match="flag must be True or False; got"):
            check_bool("flag", bad)


def test_check_str() -> None:
    assert check_str("name", "acc") == "acc"
    assert check_str("title", None, optional=True) is None
    assert check_str("title", "", optional=True, empty=True) == ""
    with pytest.raises(TypeError, match="name must be a str; got int 3"):
        check_str("name", 3)
    with pytest.raises(TypeError, match="title must be a str or None; got int 3"):
        check_str("title", 3, optional=True)
    with pytest.raises(ValueError, match="name must be a non-empty str; got ' '"):
        check_str("name", " ")
