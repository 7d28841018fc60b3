"""One source for everything: dependencies, version pins, the package version and
the table-of-contents walk are each written in one place, and every module the
project imports directly is declared where it belongs."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest
import tomllib
from book_toc import ROOT

import tutorial_utils

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCAL = {"tutorial_utils"} | {  # the project's own modules outside the package
    p.stem
    for folder in ("tests", "scripts", "book/_ext", "benchmarks")
    for p in (ROOT / folder).glob("*.py")
}


def normalize(name: str) -> str:
    """PEP 503 form of a distribution name: ``PyYAML`` -> ``pyyaml``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(line: str) -> str:
    return normalize(re.split(r"[<>=!~;\[ ]", line.strip(), maxsplit=1)[0])


def package_dependencies() -> set[str]:
    return {requirement_name(d) for d in PYPROJECT["project"]["dependencies"]}


def requirements() -> dict[str, str]:
    """Name -> the whole pin line of requirements.txt."""
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = [line.split("#")[0].strip() for line in lines]
    return {requirement_name(pin): pin for pin in pins if pin}


def imported_modules(source: str) -> set[str]:
    """Top-level names of the absolute imports in ``source``."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def notebook_source(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return "\n".join(
        line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))
    )


@functools.cache
def installed_distributions() -> dict[str, list[str]]:
    """Top-level module -> distributions; computed once, as it reads every
    installed distribution's file list (about 0.1 s a call, ~170 calls a run)."""
    return importlib.metadata.packages_distributions()


def distributions(module: str) -> set[str]:
    """The installed distributions that provide the top-level ``module``."""
    return {normalize(d) for d in installed_distributions().get(module, [])}


def undeclared(sources: dict[str, str], declared: set[str]) -> list[str]:
    problems = []
    for where, source in sources.items():
        for module in sorted(imported_modules(source)):
            if module in sys.stdlib_module_names or module in LOCAL:
                continue
            provided_by = distributions(module)
            if not provided_by:
                problems.append(f"{where}: {module} is not installed at all")
            elif not provided_by & declared:
                problems.append(
                    f"{where}: imports {module} (from {sorted(provided_by)}), "
                    "which is not declared"
                )
    return problems


def test_package_and_chapters_declare_what_they_import() -> None:
    """What a reader installs (the package, with its dependencies) must be enough
    for the package and for every chapter: Colab installs nothing else."""
    sources = {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "tutorial_utils").glob("*.py"))
    }
    sources |= {
        str(p.relative_to(ROOT)): notebook_source(p)
        for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
    }
    problems = undeclared(sources, package_dependencies())
    assert not problems, (
        "add these to [project].dependencies in pyproject.toml (and pin them in "
        "requirements.txt):\n" + "\n".join(problems)
    )


def test_tests_and_scripts_declare_what_they_import() -> None:
    files = [
        *sorted((ROOT / "tests").glob("*.py")),
        *sorted((ROOT / "scripts").glob("*.py")),
        *sorted((ROOT / "book" / "_ext").glob("*.py")),
        *sorted((ROOT / "benchmarks").glob("*.py")),
    ]
    sources = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in files}
    problems = undeclared(sources, set(requirements()))
    assert not problems, "pin these in requirements.txt:\n" + "\n".join(problems)


def test_undeclared_import_is_caught() -> None:
    """The check above can fail: an import of a package nobody declared is named."""
    problems = undeclared({"example.py": "import pytest\nimport yaml"}, {"pytest"})
    assert len(problems) == 1 and "yaml" in problems[0], problems


def test_every_package_dependency_is_pinned() -> None:
    missing = package_dependencies() - set(requirements())
    assert not missing, f"requirements.txt pins no version of {sorted(missing)}"
    loose = [pin for pin in requirements().values() if "==" not in pin]
    assert not loose, f"requirements.txt must pin exact versions; got {loose}"


PIN = re.compile(r"\b([A-Za-z][A-Za-z0-9_.-]*)==(\d[\w.]*)")
# Where a version may be written outside requirements.txt, and why.
ALLOWED_PINS = {
    ("tests/test_nbval_book.py", "torch"): "stand-in requirements.txt in tmp_path",
}


@pytest.mark.parametrize(
    "path",
    [
        ".github/workflows/book.yml", "Makefile", "pyproject.toml", ".ci/run",
        *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("*.py")),
        *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scripts").glob("*")),
    ],
)  # fmt: skip
def test_versions_are_pinned_only_in_requirements(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    stray = [
        f"{name}=={version}"
        for name, version in PIN.findall(text)
        if (path, name) not in ALLOWED_PINS
    ]
    assert not stray, (
        f"{path} pins {stray}; read the version from requirements.txt instead"
    )


def test_package_version_is_written_once() -> None:
    assert PYPROJECT["project"].get("dynamic") == ["version"], (
        "pyproject.toml must take the version from tutorial_utils.__version__"
    )
    assert "version" not in PYPROJECT["project"]
    installed = importlib.metadata.version("tutorial_utils")
    assert installed == tutorial_utils.__version__, (
        f"installed metadata says {installed}, the package {tutorial_utils.__version__}"
        "; reinstall with `pip install -e .`"
    )


def test_the_table_of_contents_is_read_in_one_place() -> None:
    readers = [
        str(p.relative_to(ROOT))
        for p in [*(ROOT / "tests").glob("*.py"), *(ROOT / "scripts").glob("*.py")]
        if '/ "_toc.yml"' in p.read_text(encoding="utf-8")
        and p.name not in ("book_toc.py", "test_project.py")
    ]
    assert not readers, (
        f"use scripts/book_toc.py instead of reading _toc.yml: {readers}"
    )


def test_every_data_file_of_the_package_is_shipped() -> None:
    """A non-editable install (Colab's `pip install git+...`) copies only the files
    `package-data` names; the corpus and the time cards must be among them."""
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["tutorial_utils"]
    package = ROOT / "tutorial_utils"
    data = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc")
    ]
    assert {"help_topics.json.xz", "help_topics.NOTICE.txt"} <= set(data)
    unshipped = [f for f in data if not any(fnmatch(f, p) for p in patterns)]
    assert not unshipped, f"add {unshipped} to package-data in pyproject.toml"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_installs_the_cpu_torch_only_when_asked() -> None:
    """`TORCH_INDEX=URL` installs the pinned torch from URL before the other pins;
    without it the install is what it always was."""

    def install_commands(*variables: str) -> list[str]:
        dry_run = subprocess.run(
            ["make", "-n", "-B", ".venv/.installed", *variables],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return [line for line in dry_run.stdout.splitlines() if "pip install" in line]

    url = "https://download.pytorch.org/whl/cpu"
    default, cpu = install_commands(), install_commands(f"TORCH_INDEX={url}")
    assert not any("index-url" in line for line in default), default
    assert cpu[:1] + cpu[2:] == default, cpu
    assert "grep -E '^torch==' requirements.txt" in cpu[1], cpu
    assert f"--index-url {url} -r /dev/stdin" in cpu[1], cpu
