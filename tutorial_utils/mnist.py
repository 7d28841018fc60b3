"""Real MNIST (28x28) from a local cache, or scikit-learn's 8x8 digits when offline.

Nothing happens on import. ``load_mnist_split`` reads the four standard idx ``.gz``
files from ``cache_dir()``, downloading the missing ones once.
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
from tutorial_utils.validate import check_bool, check_real, check_seed

__all__ = ["MIRRORS", "FILES", "cache_dir", "load_mnist_split"]

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")  # fmt: skip
_FAILURES = (OSError, EOFError, ValueError, zlib.error)  # URLError is an OSError


def cache_dir() -> Path:
    """``$BOOK_DATA_DIR/mnist``, or ``~/.cache/large-ai-models-book/mnist``."""
    root = os.environ.get("BOOK_DATA_DIR", "").strip()
    default = Path.home() / ".cache" / "large-ai-models-book"
    return (Path(root).expanduser() if root else default) / "mnist"


def _fetch(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def _parse_idx(gz: bytes) -> np.ndarray:
    """A gzipped idx file of unsigned bytes: 0, 0, 8, rank, sizes, then the values."""
    raw = gzip.decompress(gz)
    rank = raw[3] if len(raw) > 3 and raw[:3] == b"\0\0\x08" else 0
    shape = tuple(int(n) for n in np.frombuffer(raw[4 : 4 + 4 * rank], ">u4"))
    if rank == 0 or len(shape) != rank or len(raw) != 4 + 4 * rank + np.prod(shape):
        raise ValueError(f"not an idx file of bytes (header {list(raw[:4])})")
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * rank).reshape(shape)


def _load(folder: Path, name: str, timeout: float) -> np.ndarray:
    path = folder / name
    if path.exists():
        return _parse_idx(path.read_bytes())
    reasons = []
    for mirror in MIRRORS:
        try:
            data = _fetch(mirror + name, timeout)
            array = _parse_idx(data)  # never cache a broken file
        except _FAILURES as err:
            reasons.append(f"{mirror}: {type(err).__name__}: {err}")
            continue
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{name}.part"
        partial.write_bytes(data)
        partial.replace(path)  # atomic: the cache never holds half a file
        return array
    raise OSError(f"no mirror served {name} ({'; '.join(reasons)})")


def load_mnist_split(
    *,
    val_fraction: float = 0.1,
    seed: int = 0,
    fallback: bool = True,
    timeout: float = 10.0,
) -> tuple[Split, str]:
    """MNIST as a ``Split`` of ``(N, 1, 28, 28)`` images in [0, 1], and its source.

    The official 10,000 test images are the test split; ``val_fraction`` of the
    60,000 training images (shuffled with ``seed``) is the validation split.
    Missing files are downloaded into ``cache_dir()``, ``timeout`` s per try.

    Returns:
        ``(split, source)``, source ``"mnist"`` or, when MNIST cannot be loaded and
        ``fallback`` is True, ``"digits (offline fallback)"`` with
        ``load_digits_split(seed=seed)`` and one warning.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``val_fraction`` is outside [0, 1) or ``timeout`` is not
            positive.
        RuntimeError: if MNIST cannot be loaded and ``fallback`` is False.
    """
    if not 0 <= check_real("val_fraction", val_fraction) < 1:
        raise ValueError(f"val_fraction must be in [0, 1); got {val_fraction}")
    if check_real("timeout", timeout) <= 0:
        raise ValueError(f"timeout must be positive seconds; got {timeout}")
    check_seed("seed", seed)
    check_bool("fallback", fallback)
    folder = cache_dir()
    try:
        images, labels, test_images, test_labels = (
            _load(folder, name, timeout) for name in FILES
        )
        for x, y in ((images, labels), (test_images, test_labels)):
            if x.ndim != 3 or y.shape != x.shape[:1]:
                raise ValueError(f"images {x.shape} do not match labels {y.shape}")
    except _FAILURES as err:
        reason = f"MNIST could not be loaded ({type(err).__name__}: {err})"
        where = f"put the four files {', '.join(FILES)} in {folder}"
        if not fallback:
            raise RuntimeError(f"{reason}; {where}") from err
        warnings.warn(
            f"{reason}; using scikit-learn's 8x8 digits instead ({where} to use "
            "MNIST offline)",
            stacklevel=2,
        )
        return load_digits_split(seed=seed), "digits (offline fallback)"

    def tensors(x: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        X = torch.from_numpy(x.astype(np.float32) / 255).unsqueeze(1)  # (N, 1, H, W)
        return X, torch.from_numpy(y.astype(np.int64))  # (N,)

    (X, y), test = tensors(images, labels), tensors(test_images, test_labels)
    tr, va, _ = split_indices(
        len(X), val_fraction=val_fraction, test_fraction=0, seed=seed
    )
    split = Split(X[tr], y[tr], X[va], y[va], *test, target_names=tuple("0123456789"))
    return split, "mnist"
