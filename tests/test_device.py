from __future__ import annotations

import pytest
import torch

from tutorial_utils.device import (
    DEVICE_ENV_VAR,
    cpu_has_native_bf16,
    cuda_has_native_bf16,
    describe_device,
    get_device,
)


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
    assert describe_device(" CPU ") == text  # a device name works too


def fake_gpus(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: count > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: count)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i: f"GPU {i}")


@pytest.mark.parametrize("source", ["prefer", "BOOK_DEVICE"])
def test_cuda_index_is_checked_against_the_gpus_there_are(
    monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    fake_gpus(monkeypatch, 1)
    monkeypatch.setenv(DEVICE_ENV_VAR, "cuda:3")
    prefer = "cuda:3" if source == "prefer" else None
    with pytest.raises(
        ValueError,
        match=rf"{source}='cuda:3' asks for CUDA, but this machine has 1 CUDA "
        r"device\(s\), cuda:0",
    ):
        get_device(prefer)


def test_existing_cuda_index_and_its_description(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_gpus(monkeypatch, 2)
    monkeypatch.delenv(DEVICE_ENV_VAR, raising=False)
    assert get_device("cuda:1") == torch.device("cuda:1")
    assert get_device("CUDA") == torch.device("cuda")
    assert describe_device(torch.device("cuda:1")) == "cuda:1 (GPU 1)"
    assert describe_device("cuda") == "cuda:0 (GPU 0)"
    with pytest.raises(ValueError, match=r"device='cuda:2' asks for CUDA, but .* 2 "):
        describe_device(torch.device("cuda:2"))


@pytest.mark.parametrize(
    ("value", "shown"),
    [("tpu", "'tpu'"), ("cuda:x", "'cuda:x'"), ("cpu:1", "'cpu:1'"),
     ("cuda:-1", "'cuda:-1'"), ("", "''")],
)  # fmt: skip
def test_bad_device_names_name_their_source(
    monkeypatch: pytest.MonkeyPatch, value: str, shown: str
) -> None:
    monkeypatch.delenv(DEVICE_ENV_VAR, raising=False)
    expected = "device must be one of cpu, cuda, mps \\(optionally 'cuda:N'\\)"
    with pytest.raises(ValueError, match=f"{expected}; got prefer={shown}"):
        get_device(value)
    if value:  # an empty BOOK_DEVICE means "not set"
        monkeypatch.setenv(DEVICE_ENV_VAR, value)
        with pytest.raises(ValueError, match=f"{expected}; got BOOK_DEVICE={shown}"):
            get_device()
        with pytest.raises(ValueError, match=f"{expected}; got device={shown}"):
            describe_device(value)


def test_empty_env_means_automatic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    monkeypatch.setenv(DEVICE_ENV_VAR, "  ")
    assert get_device() == torch.device("cpu")


def test_unavailable_mps_names_its_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    monkeypatch.setenv(DEVICE_ENV_VAR, "mps")
    with pytest.raises(ValueError, match="BOOK_DEVICE='mps' asks for MPS, but MPS is"):
        get_device()
    with pytest.raises(ValueError, match="prefer='mps' asks for MPS.*prefer=None"):
        get_device("mps")


@pytest.mark.parametrize("bad", [0, torch.device("cpu"), ["cpu"], True])
def test_prefer_must_be_a_str_or_none(bad: object) -> None:
    with pytest.raises(TypeError, match="prefer must be a device name .* or None"):
        get_device(bad)  # type: ignore[arg-type]


def test_describe_device_bad_input() -> None:
    with pytest.raises(TypeError, match="device must be a torch.device or a device"):
        describe_device(0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="device name such as .cpu.; got None"):
        describe_device(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="device must be a cpu, cuda or mps device"):
        describe_device(torch.device("meta"))


@pytest.mark.parametrize(
    ("capabilities", "expected"),
    [
        ({"avx512_bf16": True, "amx_bf16": False}, True),
        ({"avx512_bf16": False, "amx_bf16": True}, True),
        ({"avx512_bf16": False, "amx_bf16": False, "avx2": True}, False),
        ({"avx2": True, "num_sockets": 1}, False),  # a CPU that lacks both flags
    ],
)  # fmt: skip
def test_cpu_bf16_follows_the_capabilities(
    monkeypatch: pytest.MonkeyPatch, capabilities: dict, expected: bool
) -> None:
    monkeypatch.setattr(
        torch.cpu, "get_capabilities", lambda: capabilities, raising=False
    )
    assert cpu_has_native_bf16() is expected


@pytest.mark.parametrize(
    ("capability", "expected"),
    [((6, 1), False), ((7, 5), False), ((8, 0), True), ((8, 9), True), ((9, 0), True)],
    ids=["P100", "T4", "A100", "L4", "H100"],
)
def test_cuda_bf16_follows_the_compute_capability(
    monkeypatch: pytest.MonkeyPatch, capability: tuple[int, int], expected: bool
) -> None:
    """Not is_bf16_supported(), which says True on a T4 too (emulated bfloat16)."""
    fake_gpus(monkeypatch, 1)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda *a: capability)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert cuda_has_native_bf16() is expected
    assert cuda_has_native_bf16("cuda:0") is expected


@pytest.mark.parametrize(
    ("device", "gpus", "match"),
    [
        ("cpu", 1, "device must be a CUDA device or None; got 'cpu'"),
        (torch.device("mps"), 1, "device must be a CUDA device or None; got 'mps'"),
        (None, 0, "needs CUDA, which is not available"),
        ("cuda", 0, "needs CUDA, which is not available"),
    ],
)  # fmt: skip
def test_cuda_bf16_bad_input(
    monkeypatch: pytest.MonkeyPatch, device: object, gpus: int, match: str
) -> None:
    fake_gpus(monkeypatch, gpus)
    with pytest.raises(ValueError, match=match):
        cuda_has_native_bf16(device)  # type: ignore[arg-type]


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_is_picked_on_a_gpu_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEVICE_ENV_VAR, raising=False)
    device = get_device()
    assert device.type == "cuda"
    assert describe_device(device).startswith("cuda:0 (")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_bf16_on_this_gpu() -> None:
    major, _ = torch.cuda.get_device_capability()
    assert cuda_has_native_bf16() is (major >= 8)
    if cuda_has_native_bf16():
        assert torch.cuda.is_bf16_supported()
