from __future__ import annotations

import numpy as np
import pytest
import torch

from tutorial_utils.data import (
    Split,
    load_diabetes_split,
    load_digits_split,
    make_loader,
    split_indices,
)


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


@pytest.mark.parametrize(
    ("n", "val", "test", "counts"),
    [(4, 0.4, 0.4, "0 training, 2 validation and 2 test"),
     (10, 0.01, 0.2, "8 training, 0 validation and 2 test"),
     (20, 0.2, 0.02, "16 training, 4 validation and 0 test")],
)  # fmt: skip
def test_split_indices_every_requested_part_gets_an_example(
    n: int, val: float, test: float, counts: str
) -> None:
    with pytest.raises(ValueError, match=f"n={n} is too few examples.*{counts}"):
        split_indices(n, val_fraction=val, test_fraction=test, seed=0)


def test_split_indices_message_says_how_many_examples_are_needed() -> None:
    with pytest.raises(ValueError, match="any n >= 5 works"):
        split_indices(4, val_fraction=0.4, test_fraction=0.4, seed=0)
    # rounding is not monotone in n: 3 works, 4 does not, 5 and above work
    assert [len(p) for p in split_indices(3, val_fraction=0.4, test_fraction=0.4,
                                          seed=0)] == [1, 1, 1]  # fmt: skip
    for n in range(5, 60):
        parts = split_indices(n, val_fraction=0.4, test_fraction=0.4, seed=0)
        assert min(len(part) for part in parts) >= 1


def test_split_indices_zero_fraction_means_no_part() -> None:
    tr, va, te = split_indices(3, val_fraction=0.0, test_fraction=0.0, seed=0)
    assert (len(tr), len(va), len(te)) == (3, 0, 0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 10.0}, TypeError, "n must be an int; got float 10.0"),
        ({"n": True}, TypeError, "n must be an int; got bool True"),
        ({"n": 2}, ValueError, "n must be at least 3 to split three ways; got 2"),
        ({"seed": 1.5}, TypeError, "seed must be an int; got float 1.5"),
        ({"seed": False}, TypeError, "seed must be an int; got bool False"),
        ({"seed": -1}, ValueError, r"seed must be in \[0, 2\*\*32\); got -1"),
        ({"val_fraction": "0.1"}, TypeError, "val_fraction must be a real number"),
        ({"test_fraction": None}, TypeError, "test_fraction must be a real number"),
        ({"val_fraction": float("nan")}, ValueError, "val_fraction must be a finite"),
    ],
)
def test_split_indices_bad_arguments(kwargs: dict, error: type, message: str) -> None:
    arguments = {"n": 10, "val_fraction": 0.1, "test_fraction": 0.1, "seed": 0}
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        split_indices(arguments.pop("n"), **arguments)


def test_split_indices_accepts_numpy_integers() -> None:
    a = split_indices(np.int64(50), val_fraction=0.2, test_fraction=0.2, seed=0)
    b = split_indices(50, val_fraction=0.2, test_fraction=np.float32(0.2),
                      seed=np.int32(0))  # fmt: skip
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("loader", [load_digits_split, load_diabetes_split])
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"val_fraction": 1.0}, ValueError, r"val_fraction must be in \[0, 1\)"),
        ({"test_fraction": -0.1}, ValueError, r"test_fraction must be in \[0, 1\)"),
        ({"val_fraction": 0.5, "test_fraction": 0.5}, ValueError, "must be below 1"),
        ({"val_fraction": "0.1"}, TypeError, "val_fraction must be a real number"),
        ({"seed": 0.5}, TypeError, "seed must be an int; got float 0.5"),
        ({"seed": 2**32}, ValueError, r"seed must be in \[0, 2\*\*32\)"),
    ],
)
def test_loaders_check_their_split_arguments(
    loader: object, kwargs: dict, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        loader(**kwargs)  # type: ignore[operator]


def test_loaders_check_their_flags() -> None:
    with pytest.raises(TypeError, match="flatten must be True or False; got int 1"):
        load_digits_split(flatten=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="standardize must be True or False; got str"):
        load_diabetes_split(standardize="yes")  # type: ignore[arg-type]


def test_diabetes_standardize_needs_varying_training_features() -> None:
    # 442 examples, 220 + 221 held out: one training example, whose standard
    # deviation is NaN; standardizing with it would fill X with NaN
    fractions = {"val_fraction": 0.4977, "test_fraction": 0.5}
    with pytest.raises(ValueError, match="standardize=True needs every feature"):
        load_diabetes_split(**fractions)
    assert load_diabetes_split(standardize=False, **fractions).sizes()["train"] == 1


def test_split_checks_its_parts() -> None:
    X, y = torch.zeros(4, 2), torch.zeros(4)
    with pytest.raises(ValueError, match="X_val and y_val must hold the same number"):
        Split(X, y, X, y[:3], X, y)
    with pytest.raises(TypeError, match="X_test and y_test must be tensors"):
        Split(X, y, X, y, X.numpy(), y)  # type: ignore[arg-type]


def blobs(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    y = torch.randint(0, 2, (n,), generator=g)
    return torch.randn(n, 2, generator=g) + 3.0 * (2 * y[:, None] - 1), y


X16, Y16 = blobs(16)


def test_make_loader_batches_and_reproducible_shuffle() -> None:
    X, y = blobs(10)
    first = [b.tolist() for _, b in make_loader(X, y, batch_size=4, shuffle=True)]
    again = [b.tolist() for _, b in make_loader(X, y, batch_size=4, shuffle=True)]
    other = [
        b.tolist() for _, b in make_loader(X, y, batch_size=4, shuffle=True, seed=1)
    ]
    assert first == again and first != other
    assert [len(b) for b in first] == [4, 4, 2]
    assert [b.tolist() for _, b in make_loader(X, y, batch_size=4)][0] == y[:4].tolist()
    # NumPy integers are integers (run-mode configs often hold them)
    assert len(make_loader(X, y, batch_size=np.int64(5), seed=np.int64(3))) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(X=X16.numpy()), TypeError, "X must be a torch.Tensor of rows; got nd"),
        (dict(X=torch.tensor(1.0)), TypeError, "X must be a torch.Tensor of rows"),
        (dict(y=Y16.tolist()), TypeError, "y must be a torch.Tensor of rows; got list"),
        (dict(y=Y16[:9]), ValueError, "same length; got 16, 9"),
        (dict(batch_size=0), ValueError, "batch_size must be at least 1; got 0"),
        (dict(batch_size=2.5), TypeError, "batch_size must be an int; got float"),
        (dict(batch_size=True), TypeError, "batch_size must be an int; got bool"),
        (dict(batch_size=None), TypeError, "batch_size must be an int; got None"),
        (dict(shuffle=1), TypeError, "shuffle must be True or False; got int"),
        (dict(shuffle="yes"), TypeError, "shuffle must be True or False; got str"),
        (dict(seed=1.5), TypeError, "seed must be an int; got float"),
        (dict(seed=None), TypeError, "seed must be an int; got None"),
        (dict(seed=True), TypeError, "seed must be an int; got bool"),
        (dict(seed=-1), ValueError, "seed must be at least 0; got -1"),
    ],
)  # fmt: skip
def test_make_loader_rejects_bad_arguments(
    kwargs: dict, error: type, match: str
) -> None:
    args = dict(X=X16, y=Y16, batch_size=4) | kwargs
    with pytest.raises(error, match=match):
        make_loader(args.pop("X"), args.pop("y"), **args)
