"""Chapter 05's MNIST option, run on a local MNIST-format fixture (no network).

The chapter trains on the 8x8 digits by default; ``Config(dataset="mnist")`` takes
the real 28x28 path. This runs that path with the chapter's own code: the cells
that define the imports, ``Config``, ``load_data``, the network and ``train_cnn``
are executed from the notebook, then one short training run on 28x28 images.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from book_toc import ROOT
from test_mnist import idx_gz

from tutorial_utils import mnist
from tutorial_utils.mnist import FILES

NOTEBOOK = ROOT / "notebooks" / "05_convolutional_networks.ipynb"
# Each marker names the first code cell that defines it; cells run in this order.
MARKERS = (
    "from tutorial_utils.mnist import load_mnist_split",
    "class Config",
    "def load_data(",
    "def conv_block(",
    "class DigitCNN(",
    "def train_cnn(",
)


def chapter_cells() -> list[str]:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    found = []
    for marker in MARKERS:
        matches = [source for source in code if marker in source]
        assert matches, f"{NOTEBOOK.name} has no code cell with {marker!r}"
        found.append(matches[0])
    return found


def test_chapter_05_trains_on_mnist_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(0)
    labels = {n: rng.integers(0, 10, n, dtype=np.uint8) for n in (120, 40)}
    arrays = [
        rng.integers(0, 256, (n, 28, 28), dtype=np.uint8) if i % 2 == 0 else labels[n]
        for i, n in enumerate((120, 120, 40, 40))
    ]
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name, array in zip(FILES, arrays, strict=True):
        (folder / name).write_bytes(idx_gz(array))
    monkeypatch.setenv("BOOK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BOOK_RUN_MODE", "smoke")
    monkeypatch.setattr(mnist, "_fetch", lambda url, timeout: pytest.fail(url))

    namespace: dict = {}
    threads = torch.get_num_threads()  # the chapter's first cell may change it
    monkeypatch.setattr(torch, "set_num_threads", lambda n: None)
    for source in chapter_cells():
        exec(compile(source, str(NOTEBOOK), "exec"), namespace)
    assert torch.get_num_threads() == threads
    config = namespace["Config"](dataset="mnist", epochs=1, seeds=(0,))
    split, source = namespace["load_data"](config)
    assert source == "mnist"
    assert tuple(split.X_train.shape[1:]) == (1, 28, 28)
    assert len(split.X_test) == 40 and len(split.X_train) + len(split.X_val) == 120
    model, history, test_accuracy = namespace["train_cnn"](
        config, split, 0, progress=False
    )
    assert history.epochs == 1 and math.isfinite(history.train_loss[0])
    assert 0.0 <= test_accuracy <= 1.0
    assert model.classifier[1].in_features == 64 * 7 * 7  # 28 -> 14 -> 7
