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


@pytest.mark.parametrize("value", [float("inf"), -float("inf"), np.float32("inf")])
def test_infinite_value_is_an_error_not_a_pass(value: float) -> None:
    # +inf used to pass a higher-is-better check, -inf a lower-is-better one
    with pytest.raises(ValueError, match="acc is -?inf: training diverged"):
        check_metric("acc", value, full=0.5, smoke=0.1)
    with pytest.raises(ValueError, match="loss is -?inf: training diverged"):
        check_metric("loss", value, full=1, smoke=2, higher_is_better=False)


@pytest.mark.parametrize("mode", ["full", "smoke"])
@pytest.mark.parametrize(
    ("thresholds", "error", "message"),
    [
        ({"full": 0.9, "smoke": "0.5"}, TypeError, r"smoke \(the smoke-mode"),
        ({"full": None, "smoke": 0.5}, TypeError, r"full \(the full-mode threshold"),
        ({"full": True, "smoke": 0.5}, TypeError, "must be a real number; got bool"),
        ({"full": 0.9, "smoke": float("nan")}, ValueError, "must be a finite number"),
        ({"full": float("inf"), "smoke": 0.5}, ValueError, "must be a finite number"),
    ],
)
def test_both_thresholds_are_checked_in_both_modes(
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    thresholds: dict,
    error: type,
    message: str,
) -> None:
    monkeypatch.setenv(RUN_MODE_ENV_VAR, mode)
    with pytest.raises(error, match=message):
        check_metric("acc", 0.95, **thresholds)


@pytest.mark.parametrize("mode", ["full", "smoke"])
def test_smoke_threshold_may_not_be_stricter(
    monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setenv(RUN_MODE_ENV_VAR, mode)
    with pytest.raises(ValueError, match="smoke threshold of 'acc' must be at most"):
        check_metric("acc", 0.99, full=0.5, smoke=0.9)
    with pytest.raises(ValueError, match="smoke threshold of 'loss' must be at least"):
        check_metric("loss", 0.1, full=2.0, smoke=1.0, higher_is_better=False)
    # equal thresholds are fine (a deterministic result measured in both modes)
    assert check_metric("acc", 0.95, full=0.93, smoke=0.93) == 0.95


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"name": 3}, TypeError, "name must be a str; got int 3"),
        ({"name": ""}, ValueError, "name must be a non-empty str"),
        ({"higher_is_better": 1}, TypeError, "higher_is_better must be True or False"),
        ({"value": None}, TypeError, "value of 'acc' must be a real number; got None"),
        ({"value": True}, TypeError, "must be a real number; got bool True"),
        ({"value": np.bool_(True)}, TypeError, "must be a real number; got numpy bool"),
        ({"value": torch.tensor([0.9, 0.8])}, TypeError, "got Tensor of dtype"),
    ],
)
def test_bad_arguments(kwargs: dict, error: type, message: str) -> None:
    arguments = {"name": "acc", "value": 0.9, "full": 0.5, "smoke": 0.1, **kwargs}
    name, value = arguments.pop("name"), arguments.pop("value")
    with pytest.raises(error, match=message):
        check_metric(name, value, **arguments)


def test_bad_run_mode_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RUN_MODE_ENV_VAR, "quick")
    with pytest.raises(ValueError, match="BOOK_RUN_MODE must be one of.*'quick'"):
        check_metric("acc", 0.9, full=0.5, smoke=0.1)
