from __future__ import annotations

import numpy as np
import pytest
import torch

from tutorial_utils.checks import check_metric
from tutorial_utils.runmode import RUN_MODE_ENV_VAR


def test_full_threshold_applies_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RUN_MODE_ENV_VAR, raising=False)
    assert check_metric("acc", 0.97, full=0.96, smoke=0.5) == 0.97
    with pytest.raises(AssertionError, match=r"acc = 0\.9000 is below the full-mode"):
        check_metric("acc", 0.9, full=0.96, smoke=0.5)


def test_smoke_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RUN_MODE_ENV_VAR, "smoke")
    assert check_metric("acc", 0.6, full=0.96, smoke=0.5) == 0.6
    with pytest.raises(AssertionError, match="smoke-mode threshold 0.5000"):
        check_metric("acc", 0.4, full=0.96, smoke=0.5)


def test_lower_is_better(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RUN_MODE_ENV_VAR, raising=False)
    assert check_metric("seconds", 20.0, full=30, smoke=60, higher_is_better=False)
    with pytest.raises(AssertionError, match="is above the full-mode threshold"):
        check_metric("seconds", 31.0, full=30, smoke=60, higher_is_better=False)


def test_numpy_and_tensor_values() -> None:
    assert check_metric("a", np.float32(0.75), full=0.5, smoke=0.1) == 0.75
    assert check_metric("a", torch.tensor(0.75), full=0.5, smoke=0.1) == 0.75


def test_bad_values() -> None:
    with pytest.raises(ValueError, match="NaN"):
        check_metric("loss", float("nan"), full=1, smoke=1)
    with pytest.raises(TypeError, match="must be a real number; got str"):
        check_metric("loss", "low", full=1, smoke=1)  # type: ignore[arg-type]
