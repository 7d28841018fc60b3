from __future__ import annotations

import pytest

from tutorial_utils.runmode import RUN_MODE_ENV_VAR, by_mode, is_smoke, run_mode


def test_default_is_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RUN_MODE_ENV_VAR, raising=False)
    assert run_mode() == "full" and not is_smoke()
    assert by_mode(full=30, smoke=2) == 30


def test_smoke(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RUN_MODE_ENV_VAR, " Smoke ")
    assert run_mode() == "smoke" and is_smoke()
    assert by_mode(full=30, smoke=2) == 2


def test_bad_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RUN_MODE_ENV_VAR, "fast")
    with pytest.raises(ValueError, match="BOOK_RUN_MODE must be one of full, smoke"):
        run_mode()


@pytest.mark.parametrize("bad", ["fast", "FULLL", "0"])
def test_every_reader_of_the_mode_names_the_variable_and_value(
    monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv(RUN_MODE_ENV_VAR, bad)
    message = f"BOOK_RUN_MODE must be one of full, smoke .*; got '{bad}'"
    for read in (run_mode, is_smoke, lambda: by_mode(full=1, smoke=2)):
        with pytest.raises(ValueError, match=message):
            read()


def test_empty_mode_means_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RUN_MODE_ENV_VAR, " ")
    assert run_mode() == "full"
