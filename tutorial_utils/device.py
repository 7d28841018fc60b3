"""Pick the compute device: CUDA, then Apple's MPS, then the CPU."""

from __future__ import annotations

import os

import torch

from tutorial_utils.validate import describe

__all__ = ["DEVICE_ENV_VAR", "get_device", "describe_device"]

DEVICE_ENV_VAR = "BOOK_DEVICE"
_VALID = ("cpu", "cuda", "mps")


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
