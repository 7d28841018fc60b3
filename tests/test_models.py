from __future__ import annotations

import pytest
import torch

from tutorial_utils.models import ACTIVATIONS, MLP


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_mlp_equals_its_formula(activation: str) -> None:
    torch.manual_seed(0)
    model = MLP(12, 7, 3, activation=activation)
    x = torch.randn(5, 3, 4)  # (B, 3, 4) flattens to (B, 12)
    a0 = x.reshape(5, 12)
    z1 = a0 @ model.hidden.weight.T + model.hidden.bias
    expected = model.activation(z1) @ model.output.weight.T + model.output.bias
    torch.testing.assert_close(model(x), expected)


def test_parameter_count() -> None:
    model = MLP(64, 32, 10)
    assert sum(p.numel() for p in model.parameters()) == 64 * 32 + 32 + 32 * 10 + 10


def test_numpy_sizes_and_empty_batch() -> None:
    import numpy as np

    model = MLP(np.int64(12), np.int32(4), 3)
    assert model(torch.zeros(0, 3, 4)).shape == (0, 3)


def test_errors() -> None:
    with pytest.raises(ValueError, match="hidden must be a positive int; got 0"):
        MLP(4, 0, 2)
    with pytest.raises(ValueError, match="activation must be one of relu"):
        MLP(4, 3, 2, activation="swish")
    with pytest.raises(ValueError, match=r"x must hold 4 values per example; got 6"):
        MLP(4, 3, 2)(torch.zeros(2, 6))
    with pytest.raises(ValueError, match="with a batch axis; got"):
        MLP(4, 3, 2)(torch.zeros(4))
