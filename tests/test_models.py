from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from tutorial_utils.measure import count_parameters
from tutorial_utils.models import ACTIVATIONS, MLP, MLPConfig


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_mlp_equals_its_formula(activation: str) -> None:
    torch.manual_seed(0)
    model = MLP(12, 7, 3, activation=activation)
    x = torch.randn(5, 3, 4)  # (B, 3, 4) flattens to (B, 12)
    a0 = x.reshape(5, 12)
    z1 = a0 @ model.hidden.weight.T + model.hidden.bias
    expected = model.activation(z1) @ model.output.weight.T + model.output.bias
    torch.testing.assert_close(model(x), expected)
    assert isinstance(model.activation, ACTIVATIONS[activation])


def test_state_dict_keys_match_chapter_04() -> None:
    # Chapter 04 writes its own MLP, with layers named hidden and output, and loads
    # its weights into this class with a strict load_state_dict to show that the two
    # compute the same thing; renaming a layer here would break that check.
    model = MLP(6, 5, 4, activation="gelu")
    shapes = {name: tuple(value.shape) for name, value in model.state_dict().items()}
    assert shapes == {
        "hidden.weight": (5, 6),
        "hidden.bias": (5,),
        "output.weight": (4, 5),
        "output.bias": (4,),
    }


def test_parameter_count() -> None:
    assert count_parameters(MLP(64, 32, 10)) == 64 * 32 + 32 + 32 * 10 + 10


def test_numpy_sizes_and_empty_batch() -> None:
    model = MLP(np.int64(12), np.int32(4), 3)
    assert model(torch.zeros(0, 3, 4)).shape == (0, 3)


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((4, 0, 2), ValueError, "hidden must be at least 1; got 0"),
        ((0, 3, 2), ValueError, "in_features must be at least 1; got 0"),
        ((4, 3, -1), ValueError, "out_features must be at least 1; got -1"),
        ((4, 2.5, 2), TypeError, "hidden must be an int; got float 2.5"),
        ((4, True, 2), TypeError, "hidden must be an int; got bool True"),
        (("4", 3, 2), TypeError, "in_features must be an int; got str '4'"),
        ((4, 3, 2, "swish"), ValueError, "activation must be one of relu, tanh"),
        ((4, 3, 2, None), TypeError, "activation must be a str; got None"),
    ],
)
def test_mlp_rejects_bad_sizes_and_activations(args, error, match) -> None:
    with pytest.raises(error, match=match):
        MLP(*args)


@pytest.mark.parametrize(
    "x, error, match",
    [
        (torch.zeros(2, 6), ValueError, r"x must hold 4 values per example; got 6"),
        (torch.zeros(4), ValueError, r"with a batch axis; got \(4,\)"),
        (torch.zeros(2, 4, dtype=torch.long), TypeError, "floating-point.*int64"),
        (
            np.zeros((2, 4), np.float32),
            TypeError,
            "x must be a torch.Tensor; got ndarray of dtype float32",
        ),
    ],
)
def test_mlp_forward_rejects_bad_input(x, error, match) -> None:
    with pytest.raises(error, match=match):
        MLP(4, 3, 2)(x)


def test_config_is_chapter_04s_and_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOK_RUN_MODE", "full")
    cfg = MLPConfig()
    assert dataclasses.astuple(cfg) == (128, "relu", 3e-3, 64, 40, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.hidden = 64  # type: ignore[misc]
    monkeypatch.setenv("BOOK_RUN_MODE", "smoke")  # read when a config is made
    assert MLPConfig().epochs == 3
    assert dataclasses.replace(cfg, hidden=16).hidden == 16
    model = MLP(64, cfg.hidden, 10, cfg.activation)
    assert model(torch.zeros(2, 64)).shape == (2, 10)


@pytest.mark.parametrize(
    "fields, error, match",
    [
        ({"hidden": 0}, ValueError, "hidden must be at least 1; got 0"),
        ({"hidden": 12.0}, TypeError, "hidden must be an int; got float 12.0"),
        ({"activation": "swish"}, ValueError, "activation must be one of"),
        (
            {"activation": torch.nn.ReLU},
            TypeError,
            "activation must be a str; got type",
        ),
        ({"lr": 0.0}, ValueError, "lr must be positive; got 0.0"),
        ({"lr": float("nan")}, ValueError, "lr must be a finite number; got nan"),
        ({"lr": "3e-3"}, TypeError, "lr must be a real number; got str '3e-3'"),
        ({"batch_size": -64}, ValueError, "batch_size must be at least 1; got -64"),
        ({"epochs": 0}, ValueError, "epochs must be at least 1; got 0"),
        ({"seed": -1}, ValueError, r"seed must be in \[0, 2\*\*32\); got -1"),
        ({"seed": None}, TypeError, "seed must be an int; got None"),
    ],
)
def test_config_rejects_bad_fields(fields: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        MLPConfig(**fields)
