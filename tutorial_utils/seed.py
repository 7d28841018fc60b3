"""Reproducible randomness."""

from __future__ import annotations

import random

import numpy as np
import torch

from tutorial_utils.validate import check_seed

__all__ = ["set_seed"]


def set_seed(seed: int) -> int:
    """Seed Python's ``random``, NumPy's global generator and torch (CPU and CUDA).

    Returns the seed so that it can be logged. Example:
        >>> set_seed(0)
        0

    Raises:
        TypeError: if ``seed`` is not an int (a NumPy integer is one; a bool,
            a float or a tensor is not).
        ValueError: if ``seed`` is negative or does not fit in 32 bits.
    """
    seed = check_seed("seed", seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return seed
