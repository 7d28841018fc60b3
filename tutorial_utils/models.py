"""Models that more than one chapter uses (built in one chapter, reused later)."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from tutorial_utils.runmode import by_mode
from tutorial_utils.validate import (
    check_int,
    check_real,
    check_seed,
    check_str,
    describe,
)

__all__ = ["ACTIVATIONS", "MLP", "MLPConfig"]

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,
}


def _check_activation(activation: object) -> str:
    check_str("activation", activation)
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}"
        )
    return activation


class MLP(nn.Module):
    """The two-layer network of chapter 04: ``Linear -> activation -> Linear``.

    ``z1 = W1 a0 + b1``, ``a1 = act(z1)``, ``z2 = W2 a1 + b2`` (logits). Inputs of
    any shape ``(B, ...)`` are flattened to ``(B, in_features)`` first.

    Example:
        >>> MLP(64, 32, 10)(torch.zeros(5, 1, 8, 8)).shape
        torch.Size([5, 10])

    Raises:
        TypeError: if a size is not an int or ``activation`` is not a str.
        ValueError: for a size below 1 or an unknown activation name.
    """

    def __init__(
        self,
        in_features: int,
        hidden: int,
        out_features: int,
        activation: str = "relu",
    ) -> None:
        super().__init__()
        in_features = check_int("in_features", in_features, minimum=1)
        hidden = check_int("hidden", hidden, minimum=1)
        out_features = check_int("out_features", out_features, minimum=1)
        activation = _check_activation(activation)
        self.in_features = in_features
        self.hidden = nn.Linear(in_features, hidden)
        self.activation = ACTIVATIONS[activation]()
        self.output = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(B, ...)`` inputs with ``in_features`` values each to ``(B, out)``.

        Raises:
            TypeError: if ``x`` is not a floating-point tensor.
            ValueError: if ``x`` has no batch axis or the wrong number of values.
        """
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a torch.Tensor; got {describe(x)}")
        if not x.is_floating_point():
            raise TypeError(
                f"x must be a floating-point tensor (use x.float()); got {x.dtype}"
            )
        if x.ndim < 2:
            raise ValueError(
                f"x must have shape (B, ...) with a batch axis; got {tuple(x.shape)}"
            )
        x = x.flatten(1)  # (B, in_features)
        if x.shape[1] != self.in_features:
            raise ValueError(
                f"x must hold {self.in_features} values per example; got "
                f"{x.shape[1]} (input shape {tuple(x.shape)})"
            )
        return self.output(self.activation(self.hidden(x)))  # (B, out_features)


@dataclass(frozen=True)
class MLPConfig:
    """Chapter 04's digits MLP and its training settings; chapter 05 reuses them.

    ``epochs`` follows the run mode (``BOOK_RUN_MODE``) when the config is created.

    Example:
        >>> MLPConfig(hidden=64).lr
        0.003

    Raises:
        TypeError: if a field has the wrong type.
        ValueError: if a size or ``lr`` is not positive, ``lr`` is not finite,
            ``seed`` is outside ``[0, 2**32)`` or ``activation`` is not a name in
            ``ACTIVATIONS``.
    """

    hidden: int = 128  # H, hidden units
    activation: str = "relu"
    lr: float = 3e-3  # Adam's step size
    batch_size: int = 64
    epochs: int = field(default_factory=lambda: by_mode(full=40, smoke=3))
    seed: int = 0

    def __post_init__(self) -> None:
        check_int("hidden", self.hidden, minimum=1)
        _check_activation(self.activation)
        if check_real("lr", self.lr) <= 0:
            raise ValueError(f"lr must be positive; got {self.lr}")
        check_int("batch_size", self.batch_size, minimum=1)
        check_int("epochs", self.epochs, minimum=1)
        check_seed("seed", self.seed)
