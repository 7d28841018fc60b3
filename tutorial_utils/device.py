"""Pick the compute device (CUDA, then Apple's MPS, then the CPU) and say whether
it computes in bfloat16 natively, the one place where that is decided.

The bfloat16 checks work on every PyTorch the package accepts: PyTorch 2.11 added
``torch.cpu.get_capabilities()``; on older ones (Colab's, for instance) the CPU's
flags are read from ``/proc/cpuinfo``.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from tutorial_utils.validate import describe

__all__ = [
    "DEVICE_ENV_VAR", "get_device", "describe_device", "cpu_has_native_bf16",
    "cuda_has_native_bf16",
]  # fmt: skip

DEVICE_ENV_VAR = "BOOK_DEVICE"
_VALID = ("cpu", "cuda", "mps")
CPUINFO = Path("/proc/cpuinfo")  # Linux; elsewhere the fallback answers False
_BF16_FLAGS = ("avx512_bf16", "amx_bf16")  # the names in both places


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def _parse(choice: str, source: str) -> torch.device:
    """Check a device name that came from ``source`` (an argument or variable)."""
    kind, colon, index = choice.strip().lower().partition(":")
    if kind not in _VALID or (colon and (kind != "cuda" or not index.isdigit())):
        raise ValueError(
            f"device must be one of {', '.join(_VALID)} (optionally 'cuda:N'); "
            f"got {source}={choice!r}"
        )
    asked = f"{source}={choice!r} asks for {kind.upper()}, but"
    fix = {
        DEVICE_ENV_VAR: f"unset {DEVICE_ENV_VAR} or set it to 'cpu'",
        "prefer": "pass prefer=None for the automatic choice, or 'cpu'",
    }.get(source, "use 'cpu'")
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"{asked} CUDA is not available here; {fix}")
        count = torch.cuda.device_count()
        if colon and int(index) >= count:
            have = "cuda:0" if count == 1 else f"cuda:0 to cuda:{count - 1}"
            raise ValueError(
                f"{asked} this machine has {count} CUDA device(s), {have}; {fix}"
            )
        return torch.device(f"cuda:{int(index)}" if colon else "cuda")
    if kind == "mps" and not _mps_available():
        raise ValueError(f"{asked} MPS is not available here; {fix}")
    return torch.device(kind)


def get_device(prefer: str | None = None) -> torch.device:
    """Return the best available device, or the one asked for.

    The order is ``cuda``, then ``mps``, then ``cpu``. An explicit choice comes from
    ``prefer`` or, when that is ``None``, from the ``BOOK_DEVICE`` environment
    variable (for example ``BOOK_DEVICE=cpu`` to force the CPU on a GPU machine).

    Example:
        >>> get_device("cpu")
        device(type='cpu')

    Raises:
        TypeError: if ``prefer`` is neither a str nor None.
        ValueError: if the requested device (from ``prefer`` or ``BOOK_DEVICE``;
            the message names which) is unknown, not available here, or a CUDA
            index this machine does not have.
    """
    if prefer is not None and not isinstance(prefer, str):
        raise TypeError(
            f"prefer must be a device name such as 'cpu' or 'cuda:0', or None for "
            f"the automatic choice; got {describe(prefer)}"
        )
    if prefer is not None:
        return _parse(prefer, "prefer")
    from_env = os.environ.get(DEVICE_ENV_VAR, "")
    if from_env.strip():
        return _parse(from_env, DEVICE_ENV_VAR)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe_device(device: torch.device | str) -> str:
    """Return a one-line human description of ``device`` (a device or its name).

    Example:
        >>> describe_device(torch.device("cpu"))  # doctest: +ELLIPSIS
        'cpu (... threads)'

    Raises:
        TypeError: if ``device`` is neither a ``torch.device`` nor a str.
        ValueError: if it is not a cpu, cuda or mps device available here.
    """
    if isinstance(device, str):
        device = _parse(device, "device")
    if not isinstance(device, torch.device):
        raise TypeError(
            f"device must be a torch.device or a device name such as 'cpu'; "
            f"got {describe(device)}"
        )
    if device.type == "cuda":
        index = device.index if device.index is not None else 0
        _parse(f"cuda:{index}", "device")  # available, and an index it has
        return f"cuda:{index} ({torch.cuda.get_device_name(index)})"
    if device.type == "mps":
        return "mps (Apple GPU)"
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads)"
    raise ValueError(f"device must be a cpu, cuda or mps device; got {str(device)!r}")


def cpu_has_native_bf16() -> bool:
    """True if the CPU has native bfloat16 matrix instructions (AVX-512 BF16, AMX).

    Only then does bfloat16 autocast speed a CPU up; without them it is usually
    slower than float32. PyTorch 2.11 and newer report the instructions
    (``torch.cpu.get_capabilities()``); older PyTorch (Colab's) does not, and the
    answer comes from the CPU flags in ``/proc/cpuinfo``, or is False where that
    file does not exist (macOS, Windows).

    Example:
        >>> cpu_has_native_bf16() in (True, False)
        True
    """
    get_capabilities = getattr(torch.cpu, "get_capabilities", None)  # torch >= 2.11
    if get_capabilities is not None:
        capabilities = get_capabilities()
        return any(bool(capabilities.get(flag)) for flag in _BF16_FLAGS)
    try:
        cpuinfo = CPUINFO.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":  # the first core's; every core has the same
            return any(flag in value.split() for flag in _BF16_FLAGS)
    return False


def cuda_has_native_bf16(device: torch.device | str | None = None) -> bool:
    """True if the CUDA GPU has bfloat16 tensor cores: compute capability 8.0
    (Ampere) or newer.

    ``torch.cuda.is_bf16_supported()`` is not this question: since PyTorch 2.4 it
    also says True on older GPUs, such as Colab's free T4 (7.5), which emulate
    bfloat16 slowly; there float16 (with loss scaling) is the fast 16-bit type.

    Example:
        >>> cuda_has_native_bf16("cuda")  # doctest: +SKIP
        False

    Raises:
        ValueError: if ``device`` is not a CUDA device (``None`` means the
            current one), or CUDA is not available.
    """
    if device is not None and torch.device(device).type != "cuda":
        raise ValueError(
            f"device must be a CUDA device or None; got {str(torch.device(device))!r}"
        )
    if not torch.cuda.is_available():
        raise ValueError("cuda_has_native_bf16 needs CUDA, which is not available")
    return torch.cuda.get_device_capability(device) >= (8, 0)
