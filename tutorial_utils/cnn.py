"""The digit CNN of chapter 05, kept once for later chapters.

Chapter 05 writes ``conv_block`` and ``DigitCNN`` in its notebook and checks that
its classes and these give the same logits from the same weights (the module
names are the same, so ``load_state_dict`` moves weights either way). Chapters 10
and 11 import it from here to pretrain, fine-tune and probe it.
"""

from __future__ import annotations

from torch import Tensor, nn

from tutorial_utils.validate import check_bool, check_int

__all__ = ["DigitCNN", "conv_block"]


def conv_block(C_in: int, C_out: int, K: int, batch_norm: bool) -> list[nn.Module]:
    """Conv K x K ('same') -> [batch norm] -> ReLU -> 2x2 max pooling.

    The convolution has no bias when batch normalisation follows it.
    """
    conv = nn.Conv2d(C_in, C_out, K, padding=K // 2, bias=not batch_norm)
    norm = nn.BatchNorm2d(C_out) if batch_norm else nn.Identity()
    return [conv, norm, nn.ReLU(), nn.MaxPool2d(2)]


class DigitCNN(nn.Module):
    """Conv-Pool-Conv-Pool-Dense classifier of square ``(B, 1, side, side)`` images.

    ``features`` maps images to ``(B, C2, side // 4, side // 4)``; ``classifier``
    flattens, applies ``Linear -> ReLU -> Linear`` and returns logits
    ``(B, num_classes)``.

    Example:
        >>> import torch
        >>> DigitCNN(8)(torch.zeros(2, 1, 8, 8)).shape
        torch.Size([2, 10])

    Raises:
        TypeError / ValueError: for sizes that are not positive ints, an even
            ``kernel_size``, a side below 4 or below the kernel, or an input
            that is not ``(B, 1, side, side)``.
    """

    def __init__(
        self,
        side: int,
        channels: tuple[int, int] = (32, 64),
        kernel_size: int = 3,
        d_hidden: int = 64,
        num_classes: int = 10,
        batch_norm: bool = True,
    ) -> None:
        super().__init__()
        side = check_int("side", side, minimum=1)
        K = check_int("kernel_size", kernel_size, minimum=1)
        if not isinstance(channels, (tuple, list)) or len(channels) != 2:
            raise TypeError(f"channels must be a pair (C1, C2); got {channels!r}")
        C1, C2 = (check_int("channels", c, minimum=1) for c in channels)
        d_hidden = check_int("d_hidden", d_hidden, minimum=1)
        num_classes = check_int("num_classes", num_classes, minimum=2)
        batch_norm = check_bool("batch_norm", batch_norm)
        if K % 2 == 0:
            raise ValueError(
                "kernel_size must be a positive odd number: 'same' padding adds "
                f"(K - 1) / 2 pixels a side; got {K}"
            )
        if K > side or side < 4:
            raise ValueError(
                f"the image side ({side}) must be at least 4 (two 2x2 poolings) "
                f"and at least kernel_size ({K})"
            )
        self.side = side
        self.features = nn.Sequential(
            *conv_block(1, C1, K, batch_norm), *conv_block(C1, C2, K, batch_norm)
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(C2 * (side // 4) ** 2, d_hidden),
            nn.ReLU(),
            nn.Linear(d_hidden, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor) or x.dim() != 4 or x.shape[1:] != (
            1, self.side, self.side,
        ):  # fmt: skip
            shape = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
            raise ValueError(
                f"x must have shape (B, 1, {self.side}, {self.side}); got {shape}"
            )
        return self.classifier(self.features(x))  # (B, num_classes)
