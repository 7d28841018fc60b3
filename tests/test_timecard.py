from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tutorial_utils import timecard
from tutorial_utils.timecard import _card_text, load_timings, time_card


def test_card_text_with_and_without_gpu() -> None:
    record = {
        "cpu": {"full_s": 21.4, "smoke_s": 9.2, "measured": "2026-11-23",
                "machine": "2-core CPU"},
    }  # fmt: skip
    text = _card_text("03_x", {"03_x": record})
    assert "about 21 s on a 2-core CPU" in text and "9 s in smoke mode" in text
    assert "2026-11-23" in text and "GPU" not in text
    record["gpu"] = {"full_s": 4.0, "machine": "an NVIDIA H100"}
    assert "; 4 s on an NVIDIA H100." in _card_text("03_x", {"03_x": record})


def test_unmeasured_notebook_says_how_to_measure() -> None:
    assert "make timings" in _card_text("99_new", {})


def test_load_timings(tmp_path: Path) -> None:
    assert load_timings(tmp_path / "missing.json") == {}
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"notebooks": {"a": {"cpu": {}}}}))
    assert load_timings(path) == {"a": {"cpu": {}}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", 'must hold {"notebooks": {name: record, ...}}; got list'),
        ('{"notebook": {}}', 'must hold {"notebooks"'),
        ('{"notebooks": {"a": 3}}', 'must hold {"notebooks"'),
        ("\udcff", "is not valid JSON"),
    ],
)
def test_malformed_timings_file_is_named(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "timings.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    expected = f"{re.escape(str(path))} .*{re.escape(message)}.*make timings"
    with pytest.raises(ValueError, match=expected):
        load_timings(path)


def test_load_timings_accepts_a_str_path(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"notebooks": {"a": {}}}))
    assert load_timings(str(path)) == {"a": {}}
    with pytest.raises(TypeError, match="path must be a pathlib.Path or a str; got"):
        load_timings(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        (None, TypeError, "name must be a str; got None"),
        (5, TypeError, "name must be a str; got int 5"),
        ("", ValueError, "name must be a non-empty str; got ''"),
        ("00_setup.ipynb", ValueError,
         "name must be the notebook's name without .ipynb, e.g. '00_setup'"),
    ],
)  # fmt: skip
def test_time_card_name(name: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        time_card(name)  # type: ignore[arg-type]


def test_time_card_of_the_shipped_file() -> None:
    assert "make timings" in time_card("99_not_a_chapter").data
    assert "Run time" in time_card("00_setup").data


def test_time_card_names_the_file_of_a_malformed_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "timings.json"
    path.write_text(json.dumps({"notebooks": {"a": {"cpu": {"full_s": 1}}}}))
    monkeypatch.setattr(timecard, "TIMINGS_FILE", path)
    monkeypatch.setattr(timecard, "load_timings", lambda: load_timings(path))
    with pytest.raises(
        ValueError,
        match=f"{re.escape(str(path))} has a malformed record for 'a' .*KeyError",
    ):
        time_card("a")


def test_gpu_only_record() -> None:
    # measure_timings.py --gpu, on a chapter never measured on a CPU, writes only "gpu"
    record = {"gpu": {"full_s": 4.0, "machine": "an NVIDIA H100"}}
    text = _card_text("07_x", {"07_x": record})
    assert (
        "about 4 s on an NVIDIA H100" in text and "not been measured on a CPU" in text
    )
