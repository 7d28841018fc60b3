"""Real MNIST (28x28) with a local cache, falling back to scikit-learn's 8x8 digits.

Nothing happens on import. ``load_mnist_split`` reads the four standard idx ``.gz``
files from a cache folder and downloads the missing ones from a list of mirrors;
when that fails (no network, say) it warns once and returns the offline digits.
"""

from __future__ import annotations

import gzip
import os
import urllib.request
import warnings
import zlib
from pathlib import Path

import numpy as np
import torch

from tutorial_utils.data import Split, load_digits_split, split_indices

__all__ = [
    "CACHE_ENV_VAR", "MIRRORS", "FILES", "default_cache_dir", "parse_idx",
    "load_mnist_split",
]  # fmt: skip

CACHE_ENV_VAR = "BOOK_DATA_DIR"
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4"}
_ERRORS = (OSError, ValueError, EOFError, zlib.error)  # URLError is an OSError


def default_cache_dir() -> Path:
    """``$BOOK_DATA_DIR/mnist`` if that variable is set, else ``~/.cache/...``."""
    root = os.environ.get(CACHE_ENV_VAR, "").strip()
    if root:
        return Path(root).expanduser() / "mnist"
    return Path.home() / ".cache" / "large-ai-models-book" / "mnist"


def parse_idx(data: bytes) -> np.ndarray:
    """Decode an uncompressed idx file: bytes 0, 0, a type code and the rank, one
    big-endian uint32 per dimension, then the values.

    Example:
        >>> parse_idx(bytes([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]))
        array([7, 9], dtype=uint8)

    Raises:
        ValueError: if the header is not an idx header or the size does not match.
    """
    ok = len(data) >= 4 and data[:2] == b"\0\0" and data[2] in _IDX_DTYPES
    if not ok or len(data) < 4 + 4 * data[3]:
        raise ValueError(
            "not an idx file: it must start with 0, 0, a type code, the rank and "
            f"one 4-byte size per dimension; got the bytes {list(data[:8])}"
        )
    rank, dtype = data[3], np.dtype(_IDX_DTYPES[data[2]])
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", count=rank, offset=4))
    expected = 4 + 4 * rank + dtype.itemsize * int(np.prod(shape))
    if len(data) != expected:
        raise ValueError(
            f"idx file of shape {shape} must have {expected} bytes; got {len(data)}"
        )
    values = np.frombuffer(data, dtype, offset=4 + 4 * rank).reshape(shape)
    return values.astype(dtype.newbyteorder("="))  # native order, writable copy


def _fetch(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def _download(path: Path, mirrors: tuple[str, ...], timeout: float) -> None:
    """Save ``path.name`` from the first mirror that serves a valid file."""
    reasons = []
    for mirror in mirrors:
        try:
            data = _fetch(mirror + path.name, timeout)
            parse_idx(gzip.decompress(data))  # never cache a broken file
        except _ERRORS as err:
            reasons.append(f"{mirror}: {type(err).__name__}: {err}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)  # atomic: no half-written file in the cache
        return
    raise OSError(f"no mirror served {path.name}: {'; '.join(reasons)}")


def _read(
    folder: Path, download: bool, timeout: float, mirrors: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """The four arrays, from the cache or (if allowed) downloaded into it."""
    arrays = {}
    for key, name in FILES.items():
        path = folder / name
        if not path.exists():
            if not download:
                raise OSError(f"{name} is not in {folder} and download=False")
            _download(path, mirrors, timeout)
        arrays[key] = parse_idx(gzip.decompress(path.read_bytes()))
    for part in ("train", "test"):
        images, labels = arrays[f"{part}_images"], arrays[f"{part}_labels"]
        if images.ndim != 3 or labels.shape != images.shape[:1]:
            raise ValueError(
                f"{part} images must be (N, H, W) with N labels; got shapes "
                f"{images.shape} and {labels.shape}"
            )
    return arrays


def load_mnist_split(
    *,
    cache_dir: Path | str | None = None,
    download: bool = True,
    fallback: bool = True,
    val_fraction: float = 0.1,
    seed: int = 0,
    timeout: float = 10.0,
    mirrors: tuple[str, ...] = MIRRORS,
) -> tuple[Split, str]:
    """MNIST as a ``Split`` of ``(N, 1, 28, 28)`` images in [0, 1], and its source.

    The official 10,000 test images are the test split; ``val_fraction`` of the
    60,000 training images (shuffled with ``seed``) is the validation split.

    Args:
        cache_dir: folder of the idx ``.gz`` files (default ``default_cache_dir()``).
        download: fetch missing files from ``mirrors`` (``timeout`` s per try).
        fallback: if MNIST cannot be loaded, warn once and return
            ``load_digits_split(seed=seed)`` (8x8 digits) instead of raising.

    Returns:
        ``(split, source)``, source ``"mnist"`` or ``"digits (offline fallback)"``.

    Raises:
        ValueError: for ``val_fraction`` outside [0, 1).
        RuntimeError: if MNIST cannot be loaded and ``fallback=False``.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in [0, 1); got {val_fraction}")
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    try:
        arrays = _read(folder, download, timeout, tuple(mirrors))
    except _ERRORS as err:
        failure = f"MNIST could not be downloaded ({type(err).__name__}: {err})"
        if not fallback:
            raise RuntimeError(
                f"{failure}; put the four idx .gz files in {folder} or pass "
                "fallback=True to use scikit-learn's 8x8 digits instead"
            ) from err
        warnings.warn(
            f"{failure}; using scikit-learn's 8x8 digits instead", stacklevel=2
        )
        return load_digits_split(seed=seed), "digits (offline fallback)"

    def tensors(part: str) -> tuple[torch.Tensor, torch.Tensor]:
        X = torch.from_numpy(arrays[f"{part}_images"].astype(np.float32) / 255.0)
        y = torch.from_numpy(arrays[f"{part}_labels"].astype(np.int64))
        return X.unsqueeze(1), y  # (N, 1, H, W), (N,)

    X, y = tensors("train")
    tr, va, _ = split_indices(
        len(X), val_fraction=val_fraction, test_fraction=0, seed=seed
    )
    X_test, y_test = tensors("test")
    split = Split(
        X[tr], y[tr], X[va], y[va], X_test, y_test, target_names=tuple("0123456789")
    )
    return split, "mnist"
