"""book/_ext/kernel_poll.py: kernel messages are polled in short slices."""

from __future__ import annotations

import asyncio
import importlib.metadata
import time
from queue import Empty

import kernel_poll
import pytest
import yaml
from book_toc import ROOT
from jupyter_client.channels import AsyncZMQSocketChannel


def test_patch_is_for_the_pinned_versions() -> None:
    """When an upgrade changes these, check jupyter/nbclient issue 312: delete the
    patch if it is fixed, else update PATCHED_FOR."""
    installed = {
        name: importlib.metadata.version(name) for name in kernel_poll.PATCHED_FOR
    }
    assert installed == kernel_poll.PATCHED_FOR, (
        f"kernel_poll.py patches {kernel_poll.PATCHED_FOR}; installed {installed}"
    )


def test_the_book_build_loads_it() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "kernel_poll" in config["sphinx"]["local_extensions"]
    kernel_poll.setup(app=None)
    assert AsyncZMQSocketChannel.get_msg is kernel_poll.get_msg_in_slices


def fake_poll(ready_after: float, calls: list[float]):
    """A get_msg whose message is there from ``ready_after`` seconds on, but which
    (like the bug) only notices it at the end of the timeout it was given."""
    start = time.monotonic()

    async def get_msg(self: object, timeout: float | None) -> dict:
        calls.append(timeout)
        await asyncio.sleep(timeout)
        if time.monotonic() - start >= ready_after:
            return {"msg": "reply"}
        raise Empty

    return get_msg


def test_a_missed_wake_up_costs_one_slice(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[float] = []
    monkeypatch.setattr(kernel_poll, "SLICE", 0.02)
    monkeypatch.setattr(kernel_poll, "_original_get_msg", fake_poll(0.05, calls))
    start = time.monotonic()
    reply = asyncio.run(kernel_poll.get_msg_in_slices(None, timeout=5.0))
    assert reply == {"msg": "reply"}
    assert time.monotonic() - start < 0.5, "waited for the whole timeout"
    assert all(step <= 0.02 for step in calls) and len(calls) >= 3


def test_no_message_still_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[float] = []
    monkeypatch.setattr(kernel_poll, "SLICE", 0.02)
    monkeypatch.setattr(kernel_poll, "_original_get_msg", fake_poll(1e9, calls))
    start = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(kernel_poll.get_msg_in_slices(None, timeout=0.1))
    assert 0.09 <= time.monotonic() - start < 0.5
    # no timeout means wait as long as it takes, one slice at a time
    monkeypatch.setattr(kernel_poll, "_original_get_msg", fake_poll(0.06, calls))
    assert asyncio.run(kernel_poll.get_msg_in_slices(None, timeout=None))
