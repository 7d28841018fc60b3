from __future__ import annotations

import numpy as np
import pytest
import torch

from tutorial_utils.data import load_diabetes_split, load_digits_split, split_indices


def test_split_indices_partition_everything() -> None:
    tr, va, te = split_indices(100, val_fraction=0.1, test_fraction=0.2, seed=3)
    assert (len(tr), len(va), len(te)) == (70, 10, 20)
    assert sorted(np.concatenate([tr, va, te]).tolist()) == list(range(100))


def test_split_indices_reproducible_and_seed_dependent() -> None:
    a = split_indices(50, val_fraction=0.2, test_fraction=0.2, seed=0)
    b = split_indices(50, val_fraction=0.2, test_fraction=0.2, seed=0)
    c = split_indices(50, val_fraction=0.2, test_fraction=0.2, seed=1)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(
    ("val", "test", "message"),
    [
        (-0.1, 0.2, "val_fraction must be in"),
        (0.1, 1.0, "test_fraction must be in"),
        (0.5, 0.5, "must be below 1"),
    ],
)
def test_split_indices_bad_fractions(val: float, test: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        split_indices(10, val_fraction=val, test_fraction=test, seed=0)


def test_digits_shapes_ranges_and_disjoint_splits() -> None:
    split = load_digits_split()
    assert split.X_train.shape[1:] == (1, 8, 8)
    assert split.X_train.dtype == torch.float32 and split.y_train.dtype == torch.int64
    assert sum(split.sizes().values()) == 1797
    assert split.sizes()["test"] == round(1797 * 0.2)
    assert 0.0 <= float(split.X_train.min()) and float(split.X_train.max()) <= 1.0
    assert set(split.y_test.tolist()) == set(range(10))
    assert split.target_names == tuple(str(i) for i in range(10))
    # the parts are the documented index split of scikit-learn's arrays
    from sklearn.datasets import load_digits

    bunch = load_digits()
    tr, va, te = split_indices(1797, val_fraction=0.15, test_fraction=0.2, seed=0)
    assert split.y_val.tolist() == bunch.target[va].tolist()
    expected = torch.tensor(bunch.data[te] / 16.0, dtype=torch.float32)
    torch.testing.assert_close(split.X_test.reshape(-1, 64), expected)


def test_digits_flatten_and_same_split_as_images() -> None:
    images, flat = load_digits_split(), load_digits_split(flatten=True)
    assert flat.X_train.shape[1:] == (64,)
    torch.testing.assert_close(images.X_test.reshape(-1, 64), flat.X_test)
    assert torch.equal(images.y_test, flat.y_test)


def test_diabetes_standardized_with_training_statistics() -> None:
    split = load_diabetes_split()
    assert split.X_train.shape[1] == 10 and len(split.feature_names) == 10
    mean, std = split.X_train.mean(0), split.X_train.std(0)
    torch.testing.assert_close(mean, torch.zeros(10), atol=1e-5, rtol=0)
    torch.testing.assert_close(std, torch.ones(10), atol=1e-5, rtol=0)
    assert split.sizes() == {"train": 354, "val": 0, "test": 88}
    raw = load_diabetes_split(standardize=False)
    assert float(raw.X_train[:, 0].mean()) > 20  # ages in years, not standardized
    assert torch.equal(raw.y_test, split.y_test)
