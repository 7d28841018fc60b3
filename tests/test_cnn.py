"""Tests for tutorial_utils.cnn: shapes for both image sides, the pieces it is
built from, a quick fit on digits, and bad inputs."""

import pytest
import torch
from torch import nn

from tutorial_utils.cnn import DigitCNN, conv_block
from tutorial_utils.data import load_digits_split


@pytest.mark.parametrize(
    "side,K,batch_norm", [(8, 3, True), (28, 5, False), (4, 1, True)]
)
def test_shapes_and_layers(side: int, K: int, batch_norm: bool) -> None:
    model = DigitCNN(side, (4, 6), K, 16, num_classes=5, batch_norm=batch_norm)
    assert model(torch.randn(3, 1, side, side)).shape == (3, 5)
    assert model.features(torch.randn(2, 1, side, side)).shape == (
        2, 6, side // 4, side // 4,
    )  # fmt: skip
    conv = model.features[0]
    assert conv.kernel_size == (K, K) and conv.padding == (K // 2, K // 2)
    assert (conv.bias is None) == batch_norm
    kinds = [type(m) for m in conv_block(1, 2, 3, False)]
    assert kinds == [nn.Conv2d, nn.Identity, nn.ReLU, nn.MaxPool2d]


def test_learns_digits() -> None:
    torch.manual_seed(0)
    split = load_digits_split(seed=0)
    model = DigitCNN(8, (8, 16), d_hidden=32)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(3):
        for i in range(0, len(split.X_train), 64):
            loss = nn.functional.cross_entropy(
                model(split.X_train[i : i + 64]), split.y_train[i : i + 64]
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    accuracy = (model(split.X_val).argmax(1) == split.y_val).float().mean()
    assert accuracy > 0.85


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="odd"):
        DigitCNN(8, kernel_size=2)
    with pytest.raises(ValueError, match="at least 4"):
        DigitCNN(3, kernel_size=1)
    with pytest.raises(ValueError, match="kernel_size"):
        DigitCNN(8, kernel_size=9)
    with pytest.raises(TypeError, match="channels"):
        DigitCNN(8, channels=32)
    with pytest.raises(TypeError, match="batch_norm"):
        DigitCNN(8, batch_norm=1)
    with pytest.raises(ValueError, match=r"\(B, 1, 8, 8\)"):
        DigitCNN(8)(torch.zeros(2, 1, 28, 28))
    with pytest.raises(ValueError, match=r"\(B, 1, 8, 8\)"):
        DigitCNN(8)(torch.zeros(2, 64))
