from __future__ import annotations

import json
from pathlib import Path

from tutorial_utils.timecard import _card_text, load_timings


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
