"""Tests of tutorial_utils.mnist; none of them touches the network."""

from __future__ import annotations

import gzip
import struct
import urllib.error
from pathlib import Path

import numpy as np
import pytest
import torch

from tutorial_utils import mnist
from tutorial_utils.mnist import FILES, default_cache_dir, load_mnist_split, parse_idx

N_TRAIN, N_TEST = 40, 12


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array in the idx format (what the MNIST files hold)."""
    header = bytes([0, 0, 0x08, array.ndim])
    dims = b"".join(struct.pack(">I", d) for d in array.shape)
    return header + dims + array.astype(np.uint8).tobytes()


def fake_mnist(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "train_images": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, N_TRAIN, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, N_TEST, dtype=np.uint8),
    }


def write_cache(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in FILES.items():
        (folder / name).write_bytes(gzip.compress(idx_bytes(arrays[key])))


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every fetch fail as it does offline; record the URLs asked for."""
    asked: list[str] = []

    def refuse(url: str, timeout: float) -> bytes:
        asked.append(url)
        raise urllib.error.URLError("no network in the test")

    monkeypatch.setattr(mnist, "_fetch", refuse)
    return asked


def test_parse_idx_round_trip_images_and_labels() -> None:
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    parsed = parse_idx(idx_bytes(images))
    assert parsed.shape == (2, 3, 4) and parsed.dtype == np.uint8
    np.testing.assert_array_equal(parsed, images)
    np.testing.assert_array_equal(
        parse_idx(bytes([0, 0, 8, 1, 0, 0, 0, 2, 7, 9])), [7, 9]
    )


def test_parse_idx_reads_big_endian_int32() -> None:
    values = np.array([1, -2, 70000], dtype=">i4")
    data = bytes([0, 0, 0x0C, 1]) + struct.pack(">I", 3) + values.tobytes()
    np.testing.assert_array_equal(parse_idx(data), [1, -2, 70000])


@pytest.mark.parametrize(
    "data, match",
    [
        (b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "not an idx file"),
        (b"\x00\x00\x42\x01\x00\x00\x00\x01\x05", "not an idx file"),
        (b"\x00\x00\x08\x03\x00\x00", "not an idx file"),
        (bytes([0, 0, 8, 1, 0, 0, 0, 3, 1, 2]), r"must have 11 bytes; got 10"),
    ],
)
def test_parse_idx_rejects_bad_files(data: bytes, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_idx(data)


def test_loads_from_cache_without_network(tmp_path: Path, no_network) -> None:
    arrays = fake_mnist()
    write_cache(tmp_path, arrays)
    split, source = load_mnist_split(cache_dir=tmp_path, val_fraction=0.25, seed=3)
    assert source == "mnist"
    assert no_network == []  # everything came from the cache
    assert split.sizes() == {"train": 30, "val": 10, "test": N_TEST}
    assert split.X_train.shape[1:] == (1, 28, 28)
    assert split.X_train.dtype == torch.float32 and split.y_train.dtype == torch.int64
    # Test images keep their order and are scaled from 0..255 to [0, 1].
    expected = torch.tensor(arrays["test_images"] / 255.0, dtype=torch.float32)
    torch.testing.assert_close(split.X_test[:, 0], expected)
    assert split.y_test.tolist() == arrays["test_labels"].tolist()
    # Train and validation together are the training images, each paired with its
    # own label, none lost or repeated.
    X = torch.cat([split.X_train, split.X_val])[:, 0]
    y = torch.cat([split.y_train, split.y_val])
    source_images = torch.tensor(arrays["train_images"] / 255.0, dtype=torch.float32)
    order = [int(np.flatnonzero((source_images == x).flatten(1).all(1))[0]) for x in X]
    assert sorted(order) == list(range(N_TRAIN))
    assert y.tolist() == arrays["train_labels"][order].tolist()


def test_split_depends_on_seed_only(tmp_path: Path, no_network) -> None:
    write_cache(tmp_path, fake_mnist())
    a, _ = load_mnist_split(cache_dir=tmp_path, seed=1)
    b, _ = load_mnist_split(cache_dir=tmp_path, seed=1)
    c, _ = load_mnist_split(cache_dir=tmp_path, seed=2)
    torch.testing.assert_close(a.X_val, b.X_val)
    assert not torch.equal(a.X_val, c.X_val)


def test_falls_back_to_digits_when_download_fails(tmp_path: Path, no_network) -> None:
    with pytest.warns(UserWarning) as record:
        split, source = load_mnist_split(cache_dir=tmp_path / "empty")
    assert source == "digits (offline fallback)"
    assert split.X_train.shape[1:] == (1, 8, 8)
    assert len(record) == 1
    message = str(record[0].message)
    assert message.startswith("MNIST could not be downloaded (")
    assert message.endswith("using scikit-learn's 8x8 digits instead")
    assert "no network in the test" in message
    assert len(no_network) == len(mnist.MIRRORS)  # every mirror was tried once


def test_falls_back_with_an_unreachable_url(tmp_path: Path) -> None:
    # Port 9 (discard) on the loopback interface refuses at once: a real failure of
    # the real fetch function, without needing or touching the internet.
    with pytest.warns(UserWarning, match="MNIST could not be downloaded"):
        _, source = load_mnist_split(
            cache_dir=tmp_path, mirrors=("http://127.0.0.1:9/",), timeout=2.0
        )
    assert source == "digits (offline fallback)"
    assert not any(tmp_path.iterdir())  # nothing half-written was cached


def test_no_fallback_raises_runtime_error(tmp_path: Path, no_network) -> None:
    with pytest.raises(RuntimeError, match=r"MNIST could not be downloaded .*fallback"):
        load_mnist_split(cache_dir=tmp_path, fallback=False)


def test_download_false_never_fetches(tmp_path: Path, no_network) -> None:
    with pytest.warns(UserWarning, match="download=False"):
        _, source = load_mnist_split(cache_dir=tmp_path, download=False)
    assert source == "digits (offline fallback)"
    assert no_network == []


def test_download_fills_the_cache_and_tries_the_next_mirror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arrays = fake_mnist(seed=5)
    served = {
        name: gzip.compress(idx_bytes(arrays[key])) for key, name in FILES.items()
    }
    asked: list[str] = []

    def fetch(url: str, timeout: float) -> bytes:
        asked.append(url)
        if url.startswith("https://dead.example/"):
            raise urllib.error.URLError("mirror is down")
        if url.startswith("https://broken.example/"):
            return b"this is not gzip"
        return served[url.rsplit("/", 1)[1]]

    monkeypatch.setattr(mnist, "_fetch", fetch)
    mirrors = (
        "https://dead.example/",
        "https://broken.example/",
        "https://ok.example/",
    )
    split, source = load_mnist_split(cache_dir=tmp_path, mirrors=mirrors)
    assert source == "mnist"
    assert len(asked) == 3 * len(FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES.values())
    assert split.y_test.tolist() == arrays["test_labels"].tolist()
    # The second load is served from the cache alone.
    asked.clear()
    again, _ = load_mnist_split(cache_dir=tmp_path, download=False)
    assert asked == []
    torch.testing.assert_close(again.X_test, split.X_test)


def test_corrupt_cache_falls_back_with_the_reason(tmp_path: Path, no_network) -> None:
    write_cache(tmp_path, fake_mnist())
    (tmp_path / FILES["test_labels"]).write_bytes(gzip.compress(b"\x00\x00\x08"))
    with pytest.warns(UserWarning, match="not an idx file"):
        _, source = load_mnist_split(cache_dir=tmp_path)
    assert source == "digits (offline fallback)"


def test_mismatched_labels_fall_back(tmp_path: Path, no_network) -> None:
    arrays = fake_mnist()
    arrays["test_labels"] = arrays["test_labels"][:-1]
    write_cache(tmp_path, arrays)
    with pytest.warns(UserWarning, match="test images must be"):
        load_mnist_split(cache_dir=tmp_path)


def test_cache_dir_honours_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOK_DATA_DIR", str(tmp_path))
    assert default_cache_dir() == tmp_path / "mnist"
    monkeypatch.delenv("BOOK_DATA_DIR")
    assert default_cache_dir().parts[-2:] == ("large-ai-models-book", "mnist")


def test_default_cache_dir_is_used(tmp_path: Path, monkeypatch, no_network) -> None:
    monkeypatch.setenv("BOOK_DATA_DIR", str(tmp_path))
    write_cache(tmp_path / "mnist", fake_mnist())
    _, source = load_mnist_split()
    assert source == "mnist"


@pytest.mark.parametrize("val_fraction", [-0.1, 1.0])
def test_rejects_bad_val_fraction(val_fraction: float) -> None:
    with pytest.raises(ValueError, match="val_fraction must be in"):
        load_mnist_split(val_fraction=val_fraction)
