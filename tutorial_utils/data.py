"""Offline data sets as tensors with fixed train/validation/test splits.

Everything here ships with scikit-learn: nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["Split", "split_indices", "load_digits_split", "load_diabetes_split"]


@dataclass(frozen=True)
class Split:
    """Tensors of one data set, split three ways.

    Attributes:
        X_train, y_train, X_val, y_val, X_test, y_test: features and targets.
        feature_names: names of the input features (or pixel names).
        target_names: class names for classification, else an empty tuple.
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    feature_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()

    def sizes(self) -> dict[str, int]:
        """Number of examples in each part."""
        return {
            "train": len(self.X_train),
            "val": len(self.X_val),
            "test": len(self.X_test),
        }


def split_indices(
    n: int, *, val_fraction: float, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle ``range(n)`` with ``seed`` and cut it into train, val and test indices.

    Raises:
        ValueError: if the fractions are out of range or leave no training data.
    """
    for label, frac in (
        ("val_fraction", val_fraction),
        ("test_fraction", test_fraction),
    ):
        if not 0.0 <= frac < 1.0:
            raise ValueError(f"{label} must be in [0, 1); got {frac}")
    if val_fraction + test_fraction >= 1.0:
        raise ValueError(
            "val_fraction + test_fraction must be below 1 to leave training data; "
            f"got {val_fraction} + {test_fraction}"
        )
    if n < 3:
        raise ValueError(f"n must be at least 3 to split three ways; got {n}")
    order = np.random.default_rng(seed).permutation(n)
    n_test = int(round(n * test_fraction))
    n_val = int(round(n * val_fraction))
    test, val, train = np.split(order, [n_test, n_test + n_val])
    return train, val, test


def load_digits_split(
    *,
    flatten: bool = False,
    val_fraction: float = 0.15,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> Split:
    """scikit-learn's 8x8 handwritten digits (1,797 images, 10 classes).

    Pixels are scaled from 0..16 to [0, 1]. Images have shape ``(N, 1, 8, 8)``, or
    ``(N, 64)`` with ``flatten=True``; labels are ``int64`` of shape ``(N,)``.
    The split is fixed by ``seed`` (default 0: every chapter sees the same split).

    Example:
        >>> split = load_digits_split()
        >>> split.X_train.shape[1:]
        torch.Size([1, 8, 8])
    """
    from sklearn.datasets import load_digits

    bunch = load_digits()
    X = torch.tensor(bunch.data / 16.0, dtype=torch.float32)  # (N, 64)
    y = torch.tensor(bunch.target, dtype=torch.int64)  # (N,)
    if not flatten:
        X = X.reshape(-1, 1, 8, 8)  # (N, 1, 8, 8)
    tr, va, te = split_indices(
        len(X), val_fraction=val_fraction, test_fraction=test_fraction, seed=seed
    )
    return Split(
        X[tr], y[tr], X[va], y[va], X[te], y[te],
        feature_names=tuple(bunch.feature_names),
        target_names=tuple(str(t) for t in bunch.target_names),
    )  # fmt: skip


def load_diabetes_split(
    *,
    standardize: bool = True,
    val_fraction: float = 0.0,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> Split:
    """scikit-learn's diabetes regression set (442 patients, 10 features).

    With ``standardize=True`` features are centred and scaled with the *training*
    mean and standard deviation (no test statistics leak in). Targets are the raw
    disease-progression scores as ``float32`` of shape ``(N,)``.
    """
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(scaled=False)
    X = torch.tensor(bunch.data, dtype=torch.float32)  # (N, 10)
    y = torch.tensor(bunch.target, dtype=torch.float32)  # (N,)
    tr, va, te = split_indices(
        len(X), val_fraction=val_fraction, test_fraction=test_fraction, seed=seed
    )
    if standardize:
        mean, std = X[tr].mean(0), X[tr].std(0)
        X = (X - mean) / std
    return Split(
        X[tr], y[tr], X[va], y[va], X[te], y[te],
        feature_names=tuple(bunch.feature_names),
    )  # fmt: skip
