from __future__ import annotations

import pytest
import torch

from tutorial_utils.device import DEVICE_ENV_VAR, describe_device, get_device


@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [(False, False, "cpu"), (True, True, "cuda"), (False, True, "mps")],
    ids=["cpu when nothing else", "cuda before mps", "mps before cpu"],
)
def test_automatic_order(
    monkeypatch: pytest.MonkeyPatch, cuda: bool, mps: bool, expected: str
) -> None:
    monkeypatch.delenv(DEVICE_ENV_VAR, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert get_device() == torch.device(expected)


def test_env_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setenv(DEVICE_ENV_VAR, "CPU")
    assert get_device() == torch.device("cpu")


def test_explicit_argument_beats_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEVICE_ENV_VAR, "mps")
    assert get_device("cpu") == torch.device("cpu")


def test_unknown_device_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="device must be one of cpu, cuda, mps.*'tpu'"):
        get_device("tpu")


def test_unavailable_cuda_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv(DEVICE_ENV_VAR, "cuda:0")
    with pytest.raises(ValueError, match="CUDA is not available.*BOOK_DEVICE"):
        get_device()


def test_describe_cpu() -> None:
    text = describe_device(torch.device("cpu"))
    assert text.startswith("cpu (") and "threads" in text
    with pytest.raises(TypeError, match="torch.device"):
        describe_device("cpu")  # type: ignore[arg-type]


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_is_picked_on_a_gpu_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEVICE_ENV_VAR, raising=False)
    device = get_device()
    assert device.type == "cuda"
    assert describe_device(device).startswith("cuda:0 (")
