"""Offline data sets as tensors with fixed train/validation/test splits, and
``make_loader`` to batch them.

Everything here ships with scikit-learn: nothing is downloaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from tutorial_utils.validate import (
    check_bool,
    check_int,
    check_real,
    check_seed,
    describe,
)

__all__ = [
    "Split", "split_indices", "load_digits_split", "load_diabetes_split", "make_loader"
]  # fmt: skip


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

    def __post_init__(self) -> None:
        for part in ("train", "val", "test"):
            X, y = getattr(self, f"X_{part}"), getattr(self, f"y_{part}")
            if not (isinstance(X, torch.Tensor) and isinstance(y, torch.Tensor)):
                raise TypeError(
                    f"X_{part} and y_{part} must be tensors; "
                    f"got {describe(X)} and {describe(y)}"
                )
            if len(X) != len(y):
                raise ValueError(
                    f"X_{part} and y_{part} must hold the same number of examples; "
                    f"got {len(X)} and {len(y)}"
                )

    def sizes(self) -> dict[str, int]:
        """Number of examples in each part."""
        return {
            "train": len(self.X_train),
            "val": len(self.X_val),
            "test": len(self.X_test),
        }


def _check_split_args(val_fraction: Any, test_fraction: Any, seed: Any) -> None:
    for label, frac in (
        ("val_fraction", val_fraction),
        ("test_fraction", test_fraction),
    ):
        if not 0.0 <= check_real(label, frac) < 1.0:
            raise ValueError(f"{label} must be in [0, 1); got {frac}")
    if val_fraction + test_fraction >= 1.0:
        raise ValueError(
            "val_fraction + test_fraction must be below 1 to leave training data; "
            f"got {val_fraction} + {test_fraction}"
        )
    check_seed("seed", seed)


def _counts(n: int, val_fraction: float, test_fraction: float) -> tuple[int, ...]:
    n_test, n_val = int(round(n * test_fraction)), int(round(n * val_fraction))
    return n - n_test - n_val, n_val, n_test


def _fits(n: int, val_fraction: float, test_fraction: float) -> bool:
    """Train gets an example, and so does every part with a positive fraction."""
    counts = _counts(n, val_fraction, test_fraction)
    wanted = (1.0, val_fraction, test_fraction)
    return all(
        count >= 1 for count, frac in zip(counts, wanted, strict=True) if frac > 0
    )


def _always_fits_from(val_fraction: float, test_fraction: float) -> int:
    """Smallest ``m`` such that every ``n >= m`` fits (rounding is not monotone)."""
    smallest = min(f for f in (val_fraction, test_fraction, 1.0) if f > 0)
    # beyond this bound rounding cannot empty a part: n*f > 0.5 and n*train > 1.5
    bound = max(
        math.ceil(0.5 / smallest), math.ceil(2 / (1 - val_fraction - test_fraction))
    )
    bound = max(bound, 3) + 1
    if bound > 1_000_000:  # absurdly small fractions: the bound is still true
        return bound
    failing = [m for m in range(3, bound) if not _fits(m, val_fraction, test_fraction)]
    return max(failing, default=2) + 1


def split_indices(
    n: int, *, val_fraction: float, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle ``range(n)`` with ``seed`` and cut it into train, val and test indices.

    The test part gets ``round(n * test_fraction)`` examples, validation
    ``round(n * val_fraction)``, training the rest. Training, and every part whose
    fraction is positive, must get at least one example.

    Example:
        >>> [len(part) for part in split_indices(10, val_fraction=0.2,
        ...                                      test_fraction=0.3, seed=0)]
        [5, 2, 3]

    Raises:
        TypeError: if ``n`` or ``seed`` is not an int, or a fraction not a number.
        ValueError: if the fractions are out of range, ``seed`` is outside
            ``[0, 2**32)``, or ``n`` is too small to give every part an example.
    """
    _check_split_args(val_fraction, test_fraction, seed)
    n = check_int("n", n)
    if n < 3:
        raise ValueError(f"n must be at least 3 to split three ways; got {n}")
    if not _fits(n, val_fraction, test_fraction):
        n_train, n_val, n_test = _counts(n, val_fraction, test_fraction)
        raise ValueError(
            f"n={n} is too few examples for val_fraction={val_fraction} and "
            f"test_fraction={test_fraction}: it gives {n_train} training, {n_val} "
            f"validation and {n_test} test examples, and each part asked for needs "
            f"at least one; any n >= "
            f"{_always_fits_from(val_fraction, test_fraction)} works"
        )
    order = np.random.default_rng(seed).permutation(n)
    n_train, n_val, n_test = _counts(n, val_fraction, test_fraction)
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

    Raises:
        TypeError: if ``flatten`` is not a bool, a fraction not a real number or
            ``seed`` not an int.
        ValueError: for fractions or a seed out of range (see ``split_indices``).
    """
    check_bool("flatten", flatten)
    _check_split_args(val_fraction, test_fraction, seed)
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

    Raises:
        TypeError: if ``standardize`` is not a bool, a fraction not a real number
            or ``seed`` not an int.
        ValueError: for fractions or a seed out of range (see ``split_indices``),
            or a training part too small to standardize with.
    """
    check_bool("standardize", standardize)
    _check_split_args(val_fraction, test_fraction, seed)
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(scaled=False)
    X = torch.tensor(bunch.data, dtype=torch.float32)  # (N, 10)
    y = torch.tensor(bunch.target, dtype=torch.float32)  # (N,)
    tr, va, te = split_indices(
        len(X), val_fraction=val_fraction, test_fraction=test_fraction, seed=seed
    )
    if standardize:
        std = X[tr].std(0) if len(tr) > 1 else torch.zeros(X.shape[1])
        if not bool((std > 0).all()):  # dividing by it would give inf or NaN
            raise ValueError(
                "standardize=True needs every feature to vary across the training "
                f"examples; the {len(tr)} left by val_fraction={val_fraction} and "
                f"test_fraction={test_fraction} do not"
            )
        X = (X - X[tr].mean(0)) / std
    return Split(
        X[tr], y[tr], X[va], y[va], X[te], y[te],
        feature_names=tuple(bunch.feature_names),
    )  # fmt: skip


def make_loader(
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    batch_size: int,
    shuffle: bool = False,
    seed: int = 0,
) -> torch.utils.data.DataLoader:
    """Wrap two tensors in a ``DataLoader``; shuffling is reproducible via ``seed``.

    Example:
        >>> loader = make_loader(torch.randn(10, 2), torch.arange(10), batch_size=4)
        >>> [len(y_batch) for _, y_batch in loader]
        [4, 4, 2]

    Raises:
        TypeError: if ``X`` or ``y`` is not a tensor with a first (example)
            dimension, ``batch_size`` or ``seed`` is not an int, or ``shuffle`` is
            not a bool.
        ValueError: if ``X`` and ``y`` differ in length, ``batch_size`` < 1, or
            ``seed`` < 0.
    """
    for name, value in (("X", X), ("y", y)):
        if not (isinstance(value, torch.Tensor) and value.ndim > 0):
            raise TypeError(
                f"{name} must be a torch.Tensor of rows; got {describe(value)}"
            )
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length; got {len(X)}, {len(y)}")
    batch_size = check_int("batch_size", batch_size, minimum=1)
    generator = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))
    return torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(X, y), batch_size=batch_size,
        shuffle=check_bool("shuffle", shuffle), generator=generator,
    )  # fmt: skip
