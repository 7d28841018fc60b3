"""Every call newer than Colab's torch (tests/colab_versions.toml) falls back.

Each API in ``FALLBACKS`` is newer than the torch Colab ships, and newer than
pyproject.toml's floor; the book calls it in one place only, which falls back when
it is missing. Each test here removes the API and runs the code that uses it, as
Colab's torch would. tests/test_colab.py removes the same APIs from the torch of
its Colab venv and runs every chapter there.
"""

from __future__ import annotations

import json
import platform
import re
from pathlib import Path

import pytest
import tomllib
import torch
from book_toc import ROOT

from tutorial_utils import char_lm, device
from tutorial_utils.device import cpu_has_native_bf16

# API -> (the torch release that added it, the one file that may call it)
FALLBACKS = {
    "torch.cpu.get_capabilities": ("2.11", "tutorial_utils/device.py"),
}


def without_get_capabilities(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(torch.cpu, "get_capabilities", raising=False)
    assert not hasattr(torch.cpu, "get_capabilities")


def fake_cpuinfo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    path = tmp_path / "cpuinfo"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(device, "CPUINFO", path)


# /proc/cpuinfo as Linux writes it: one block per core, "flags" among the keys
CORE = (
    "processor\t: {n}\nmodel name\t: A CPU\nflags\t\t: {flags}\nbugs\t\t: spectre_v1\n"
)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ("fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni", True),
        ("fpu sse2 avx2 avx512f amx_bf16 amx_tile amx_int8", True),
        ("fpu sse2 avx2 avx512f avx512_vnni", False),
        ("fpu sse2 avx2 avx512_fp16", False),  # another 16-bit type: not bf16
    ],
)
def test_cpu_bf16_without_get_capabilities_reads_cpuinfo(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, flags: str, expected: bool
) -> None:
    without_get_capabilities(monkeypatch)
    text = "\n".join(CORE.format(n=n, flags=flags) for n in range(2))
    fake_cpuinfo(monkeypatch, tmp_path, text)
    assert cpu_has_native_bf16() is expected


@pytest.mark.parametrize(
    "text", ["", "processor\t: 0\nFeatures\t: fp asimd bf16\n"], ids=["empty", "arm"]
)
def test_cpu_bf16_without_flags_or_cpuinfo_is_false(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str
) -> None:
    without_get_capabilities(monkeypatch)
    fake_cpuinfo(monkeypatch, tmp_path, text)
    assert cpu_has_native_bf16() is False
    monkeypatch.setattr(device, "CPUINFO", tmp_path / "missing")  # macOS, Windows
    assert cpu_has_native_bf16() is False


@pytest.mark.skipif(
    not (device.CPUINFO.exists() and hasattr(torch.cpu, "get_capabilities")),
    reason="needs Linux's /proc/cpuinfo and torch.cpu.get_capabilities to compare",
)
def test_the_fallback_agrees_with_get_capabilities_on_this_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer = cpu_has_native_bf16()
    without_get_capabilities(monkeypatch)
    assert cpu_has_native_bf16() is answer, platform.processor()


def test_chapter_10s_precision_without_get_capabilities(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Chapter 10's import cell: choose_precision("auto", cpu) on Colab's torch."""
    without_get_capabilities(monkeypatch)
    cpu = torch.device("cpu")
    fake_cpuinfo(monkeypatch, tmp_path, CORE.format(n=0, flags="avx2 amx_bf16"))
    assert char_lm.choose_precision("auto", cpu) == "bf16"
    fake_cpuinfo(monkeypatch, tmp_path, CORE.format(n=0, flags="avx2"))
    assert char_lm.choose_precision("auto", cpu) == "fp32"


def test_the_engine_runs_without_get_capabilities(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Chapter 11 runs the engine, which reports whether the CPU has bf16."""
    without_get_capabilities(monkeypatch)
    argv = ["--iters", "2", "--warmup", "0", "--n-layer", "1", "--d-model", "16"]
    result = char_lm.main([*argv, "--max-chars", "5000", "--device", "cpu"])
    assert result["precision"] in ("bf16", "fp32") and result["iters_done"] == 2
    assert result["cpu_bf16"] is cpu_has_native_bf16()
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == result


def sources() -> dict[str, str]:
    """The package, the benchmark and the chapters' code, by path."""
    texts = {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for folder in ("tutorial_utils", "benchmarks")
        for p in sorted((ROOT / folder).glob("*.py"))
    }
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        texts[str(path.relative_to(ROOT))] = "\n".join(
            "".join(c["source"]) for c in code
        )
    return texts


@pytest.mark.parametrize("api", FALLBACKS)
def test_each_newer_api_is_called_in_one_place(api: str) -> None:
    _, home = FALLBACKS[api]
    name = api.rpartition(".")[2]
    callers = sorted(
        path for path, text in sources().items() if re.search(rf"\b{name}\b", text)
    )
    assert callers == [home], f"{api} is used in {callers}; call it only in {home}"


def test_the_colab_simulation_removes_exactly_these() -> None:
    versions = tomllib.loads(
        (ROOT / "tests" / "colab_versions.toml").read_text(encoding="utf-8")
    )
    assert sorted(versions["simulation"]["torch_lacks"]) == sorted(FALLBACKS)
    colab = tuple(int(x) for x in versions["colab"]["torch"].split(".")[:2])
    for api, (added, _) in FALLBACKS.items():
        assert tuple(int(x) for x in added.split(".")) > colab, api
