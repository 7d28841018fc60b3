"""Models that more than one chapter uses (built in one chapter, reused later)."""

from __future__ import annotations

import numbers

import torch
from torch import nn

__all__ = ["ACTIVATIONS", "MLP"]

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,
}


class MLP(nn.Module):
    """The two-layer network of chapter 04: ``Linear -> activation -> Linear``.

    ``z1 = W1 a0 + b1``, ``a1 = act(z1)``, ``z2 = W2 a1 + b2`` (logits). Inputs of
    any shape ``(B, ...)`` are flattened to ``(B, in_features)`` first.

    Example:
        >>> MLP(64, 32, 10)(torch.zeros(5, 1, 8, 8)).shape
        torch.Size([5, 10])

    Raises:
        ValueError: for non-positive sizes or an unknown activation name.
    """

    def __init__(
        self,
        in_features: int,
        hidden: int,
        out_features: int,
        activation: str = "relu",
    ) -> None:
        super().__init__()
        for name, size in (
            ("in_features", in_features),
            ("hidden", hidden),
            ("out_features", out_features),
        ):
            if (
                isinstance(size, bool)
                or not isinstance(size, numbers.Integral)
                or size < 1
            ):
                raise ValueError(f"{name} must be a positive int; got {size!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {', '.join(ACTIVATIONS)}; "
                f"got {activation!r}"
            )
        in_features, hidden, out_features = (
            int(in_features),
            int(hidden),
            int(out_features),
        )
        self.in_features = in_features
        self.hidden = nn.Linear(in_features, hidden)
        self.activation = ACTIVATIONS[activation]()
        self.output = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(B, ...)`` inputs with ``in_features`` values each to ``(B, out)``."""
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
