"""Tests of tutorial_utils.mnist on tiny MNIST-format files; no network is touched."""

from __future__ import annotations

import gzip
import re
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from tutorial_utils import mnist
from tutorial_utils.mnist import FILES, MIRRORS, cache_dir, load_mnist_split

N_TRAIN, N_TEST = 60, 20


def idx_gz(array: np.ndarray) -> bytes:
    """``array`` as a gzipped idx file of unsigned bytes, as MNIST ships."""
    sizes = b"".join(struct.pack(">I", n) for n in array.shape)
    return gzip.compress(bytes([0, 0, 8, array.ndim]) + sizes + array.tobytes())


@pytest.fixture
def arrays() -> dict[str, np.ndarray]:
    """Random images and labels, keyed by file name: 60 to train, 20 to test."""
    rng = np.random.default_rng(0)
    parts = [
        rng.integers(0, high, shape, dtype=np.uint8)
        for n in (N_TRAIN, N_TEST)
        for high, shape in ((256, (n, 28, 28)), (10, (n,)))
    ]
    return dict(zip(FILES, parts, strict=True))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, and a fetch that fails the test if it is called."""
    monkeypatch.setenv("BOOK_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(mnist, "_fetch", lambda url, timeout: pytest.fail(url))
    return tmp_path / "mnist"


def write(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    folder.mkdir()
    for name, array in arrays.items():
        (folder / name).write_bytes(idx_gz(array))


def serve(monkeypatch: pytest.MonkeyPatch, answer) -> list[str]:
    """Replace the download with ``answer(url)``; return the URLs asked for."""
    asked: list[str] = []
    fetch = lambda url, timeout: asked.append(url) or answer(url)  # noqa: E731
    monkeypatch.setattr(mnist, "_fetch", fetch)
    return asked


def offline(url: str) -> bytes:
    raise OSError("no network")


def test_reads_the_cached_files(folder: Path, arrays: dict) -> None:
    write(folder, arrays)
    split, source = load_mnist_split(val_fraction=0.25, seed=3)
    assert source == "mnist"
    assert split.sizes() == {"train": 45, "val": 15, "test": N_TEST}
    assert split.X_train.shape[1:] == (1, 28, 28)
    assert split.X_train.dtype == torch.float32 and split.y_train.dtype == torch.int64
    assert 0 <= split.X_train.min() and split.X_train.max() <= 1
    test_images = torch.tensor(arrays[FILES[2]], dtype=torch.float32)
    torch.testing.assert_close(split.X_test[:, 0] * 255, test_images)
    assert split.y_test.tolist() == arrays[FILES[3]].tolist()  # official test split
    train = torch.cat([split.X_train, split.X_val])[:, 0] * 255  # each image once
    images = train.round().to(torch.uint8).numpy()
    assert sorted(map(bytes, images)) == sorted(map(bytes, arrays[FILES[0]]))
    assert load_mnist_split(val_fraction=0.0)[0].sizes()["val"] == 0


def test_downloads_into_the_cache_once(folder, arrays, monkeypatch) -> None:
    def answer(url: str) -> bytes:
        if url.startswith(MIRRORS[0]):
            raise OSError("first mirror down")
        return idx_gz(arrays[url.rsplit("/", 1)[1]])

    asked = serve(monkeypatch, answer)
    split, source = load_mnist_split()
    assert source == "mnist" and split.sizes()["test"] == N_TEST
    assert asked == [mirror + name for name in FILES for mirror in MIRRORS]
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)  # no .part left
    asked.clear()
    assert load_mnist_split()[1] == "mnist" and asked == []  # now from the cache


def test_a_broken_download_is_not_cached(folder: Path, monkeypatch) -> None:
    serve(monkeypatch, lambda url: b"<html>not found</html>")
    with pytest.warns(UserWarning, match="BadGzipFile"):
        assert load_mnist_split()[1] == "digits (offline fallback)"
    assert not folder.exists() or not any(folder.iterdir())


def test_offline_falls_back_to_digits_or_raises(folder, monkeypatch) -> None:
    asked = serve(monkeypatch, offline)
    with pytest.warns(UserWarning) as record:
        split, source = load_mnist_split()
    assert source == "digits (offline fallback)"
    assert split.X_train.shape[1:] == (1, 8, 8)
    assert len(record) == 1 and "no network" in str(record[0].message)
    assert str(folder) in str(record[0].message)  # where to put the files
    assert len(asked) == len(MIRRORS)  # the first file failed on every mirror
    with pytest.raises(
        RuntimeError, match=f"put the four files .* in {re.escape(str(folder))}$"
    ):
        load_mnist_split(fallback=False)


def test_a_corrupt_cached_file_falls_back(folder: Path, arrays: dict) -> None:
    write(folder, {**arrays, FILES[3]: arrays[FILES[3]][:-1]})
    with pytest.warns(UserWarning, match=r"images \(20, 28, 28\) do not match labels"):
        load_mnist_split()


def test_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BOOK_DATA_DIR", str(tmp_path))
    assert cache_dir() == tmp_path / "mnist"
    monkeypatch.delenv("BOOK_DATA_DIR")
    assert cache_dir() == Path.home() / ".cache" / "large-ai-models-book" / "mnist"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"val_fraction": 1.0}, ValueError, r"val_fraction must be in \[0, 1\); got 1"),
        ({"val_fraction": -0.1}, ValueError, "val_fraction must be in"),
        ({"val_fraction": "0.1"}, TypeError, "val_fraction must be a real number"),
        ({"timeout": 0}, ValueError, "timeout must be positive seconds; got 0"),
        ({"seed": 1.5}, TypeError, "seed must be an int; got float 1.5"),
        ({"fallback": "no"}, TypeError, "fallback must be True or False"),
    ],
)
def test_rejects_bad_input(folder: Path, kwargs: dict, error, match: str) -> None:
    with pytest.raises(error, match=match):
        load_mnist_split(**kwargs)
