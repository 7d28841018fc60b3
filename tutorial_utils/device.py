"""Pick the compute device: CUDA, then Apple's MPS, then the CPU."""

from __future__ import annotations

import os

import torch

__all__ = ["DEVICE_ENV_VAR", "get_device", "describe_device"]

DEVICE_ENV_VAR = "BOOK_DEVICE"
_VALID = ("cpu", "cuda", "mps")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def get_device(prefer: str | None = None) -> torch.device:
    """Return the best available device, or the one asked for.

    The order is ``cuda``, then ``mps``, then ``cpu``. An explicit choice comes from
    ``prefer`` or, when that is ``None``, from the ``BOOK_DEVICE`` environment
    variable (for example ``BOOK_DEVICE=cpu`` to force the CPU on a GPU machine).

    Example:
        >>> get_device("cpu")
        device(type='cpu')

    Raises:
        ValueError: if the requested device is unknown or not available here.
    """
    choice = prefer if prefer is not None else os.environ.get(DEVICE_ENV_VAR, "")
    choice = choice.strip().lower()
    if choice:
        kind = choice.split(":")[0]
        if kind not in _VALID:
            raise ValueError(
                f"device must be one of {', '.join(_VALID)} (optionally 'cuda:N'); "
                f"got {choice!r}"
            )
        if kind == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                f"device {choice!r} was requested but CUDA is not available here; "
                f"unset {DEVICE_ENV_VAR} or use 'cpu'"
            )
        if kind == "mps" and not _mps_available():
            raise ValueError(
                f"device 'mps' was requested but MPS is not available here; "
                f"unset {DEVICE_ENV_VAR} or use 'cpu'"
            )
        return torch.device(choice)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe_device(device: torch.device) -> str:
    """Return a one-line human description of ``device``.

    Example:
        >>> describe_device(torch.device("cpu"))  # doctest: +ELLIPSIS
        'cpu (... threads)'
    """
    if not isinstance(device, torch.device):
        raise TypeError(f"device must be a torch.device; got {type(device).__name__}")
    if device.type == "cuda":
        index = device.index if device.index is not None else 0
        return f"cuda:{index} ({torch.cuda.get_device_name(index)})"
    if device.type == "mps":
        return "mps (Apple GPU)"
    return f"cpu ({torch.get_num_threads()} threads)"
