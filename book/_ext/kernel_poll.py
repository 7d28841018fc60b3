"""Poll kernel messages in short slices, so a missed wake-up cannot stall a build.

For: nbclient 0.11.0 with jupyter_client 8.10.0 and pyzmq 27.3.0 (the versions
requirements.txt pins). Executing a notebook with widgets sometimes waits for a
message that has already arrived: ``AsyncZMQSocketChannel.get_msg(timeout)``
awaits ``socket.poll(timeout)``, whose wake-up can be missed, so the call returns
only when the timeout runs out (the whole cell timeout, 600 s here; forever with
none). Upstream: jupyter/nbclient issue 312. We saw it after ``run_button`` and
``interactive_plot`` cells, in about half of the runs on a loaded machine.

The fix polls in slices of at most ``SLICE`` seconds until the caller's timeout:
each slice ends with a fresh check of the socket, so a missed wake-up costs at most
one slice. It is a Sphinx extension of this book (loaded by ``_config.yml``, so
``make book`` and the tests' smoke build use it) and ``install()`` is called by
scripts/measure_timings.py. tests/test_kernel_poll.py checks that it works and
fails when the pinned versions change, to make us check whether it is still needed.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.channels import AsyncZMQSocketChannel

SLICE = 1.0  # seconds
PATCHED_FOR = {"nbclient": "0.11.0", "jupyter_client": "8.10.0", "pyzmq": "27.3.0"}
_original_get_msg = AsyncZMQSocketChannel.get_msg


async def get_msg_in_slices(
    self: AsyncZMQSocketChannel, timeout: float | None = None
) -> dict[str, Any]:
    """``get_msg`` with its contract (Empty after ``timeout``), polled in slices."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        remaining = None if deadline is None else deadline - time.monotonic()
        step = SLICE if remaining is None else max(0.0, min(SLICE, remaining))
        try:
            return await _original_get_msg(self, step)
        except Empty:
            if remaining is not None and remaining <= SLICE:
                raise


def install() -> None:
    """Replace ``AsyncZMQSocketChannel.get_msg`` (idempotent)."""
    AsyncZMQSocketChannel.get_msg = get_msg_in_slices  # type: ignore[method-assign]


def setup(app: Any) -> dict[str, Any]:
    install()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
