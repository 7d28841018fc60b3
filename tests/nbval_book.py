"""nbval runs the chapters; this plugin keeps what it ran and moves the widgets.

``make test`` runs ``pytest --nbval-lax --nbval-current-env`` over ``notebooks/``
before ``tests/``, with ``BOOK_RUN_MODE=full``: nbval executes each chapter once, at
the size readers run it, and reports every code cell as a test of its own, so a
failing threshold names its cell. This plugin adds to each notebook:

- after a failing cell, the notebook's later cells are skipped with that reason
  (they would fail for the same cause, and cost minutes);
- one more test, ``widgets``, run in the same kernel after the last cell: the saved
  widget state (what the static page shows) holds no error, every control of every
  widget moved to its ends and middle updates its output without an error
  (``tutorial_utils.widgets.drive_all``); then the executed notebook, outputs and
  widget state, goes into the book's execution cache (scripts/exec_cache.py), so
  the build of the book in the same session shows these outputs without running
  any notebook again.

Notebooks that failed are listed in :data:`FAILED`; the book build does not execute
them again (tests/conftest.py).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from queue import Empty
from typing import Any

import pytest

try:
    from nbval.kernel import RunningKernel
    from nbval.plugin import IPyNbCell, IPyNbFile
except ImportError:  # nbval missing: the plugin has nothing to add
    IPyNbCell = IPyNbFile = None  # type: ignore[assignment,misc]
else:

    def _execute_as_a_notebook_does(
        self: RunningKernel, cell_input: str, allow_stdin: bool | None = None
    ) -> str:
        """nbval executes with store_history=False, and IPython then reads the
        wrong cell when it decides whether a trailing ';' hides the result."""
        return self.kc.execute(
            cell_input, store_history=True, allow_stdin=allow_stdin,
            stop_on_error=False,
        )  # fmt: skip

    RunningKernel.execute_cell_input = _execute_as_a_notebook_does

FAILED: set[str] = set()  # stems of notebooks with a failing cell this session
EXECUTED: set[str] = set()  # stems of notebooks nbval ran to the end and cached
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
BOOK_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

STATE_CODE = """
import json as _json, ipywidgets as _w
print(_json.dumps(_w.Widget.get_manager_state(drop_defaults=False)))
"""
DRIVE_CODE = """
import json as _json
from tutorial_utils.widgets import drive_all as _drive_all
print(_json.dumps(_drive_all()))
"""


def run_in_kernel(file: Any, code: str, timeout: float = 3600) -> str:
    """Execute ``code`` in the notebook's nbval kernel; return its stdout.

    Raises AssertionError with the traceback if the code raised.
    """
    kernel = file.kernel
    msg_id = kernel.execute_cell_input(code, allow_stdin=False)
    kernel.await_reply(msg_id, timeout=timeout)
    stdout, error = [], None
    while True:
        try:
            msg = kernel.get_message("iopub", timeout=60)
        except Empty:
            break
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            break
        if kind == "stream" and content["name"] == "stdout":
            stdout.append(content["text"])
        elif kind == "error":
            error = "\n".join(content["traceback"])
    assert error is None, error
    return "".join(stdout)


def errors_in_state(state: dict[str, Any]) -> list[str]:
    """Error outputs, tracebacks or refusals inside saved Output widgets."""
    from tutorial_utils.widgets import CANNOT_WORK

    found = []
    for model_id, model in state.get("state", {}).items():
        for output in model.get("state", {}).get("outputs", ()) or ():
            text = json.dumps(output)
            if output.get("output_type") == "error" or "Traceback" in text:
                found.append(f"{model_id}: {output.get('ename', '')} {text[:300]}")
            elif CANNOT_WORK in text:
                found.append(f"{model_id}: {text[:300]}")
    return found


if IPyNbFile is not None:

    class WidgetsItem(pytest.Item):
        """The notebook's widgets, driven in its kernel; then its execution cached."""

        def runtest(self) -> None:
            file = self.parent
            stem = Path(str(file.fspath)).stem
            if stem in FAILED:
                pytest.skip(f"a cell of {stem} failed, so its widgets were not driven")
            if file.kernel is None or not file.kernel.is_alive():
                pytest.fail(f"the kernel of {stem} is not running")
            state = json.loads(run_in_kernel(file, STATE_CODE).strip().splitlines()[-1])
            path = Path(str(file.fspath)).resolve()
            if path.parent == BOOK_NOTEBOOKS:  # a chapter of the book, not a test's
                from exec_cache import store

                notebook = file.nb
                notebook.metadata["widgets"] = {WIDGET_STATE: state}
                store(notebook, path, file.seconds)
                EXECUTED.add(stem)
            saved = errors_in_state(state)
            problems = json.loads(
                run_in_kernel(file, DRIVE_CODE).strip().splitlines()[-1]
            )
            report = [f"saved widget state: {p}" for p in saved] + problems
            if report:
                pytest.fail(
                    f"{stem}: widgets failed:\n" + "\n".join(report), pytrace=False
                )

        def reportinfo(self) -> tuple[Any, int, str]:
            return self.path, 0, f"{self.parent.name}::widgets"

    def pytest_collection_modifyitems(
        session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Notebooks first (the book build reads what they cached), each followed
        by its widgets test."""
        cells = [item for item in items if isinstance(item, IPyNbCell)]
        others = [item for item in items if not isinstance(item, IPyNbCell)]
        ordered: list[pytest.Item] = []
        for index, cell in enumerate(cells):
            ordered.append(cell)
            last = index + 1 == len(cells) or cells[index + 1].parent is not cell.parent
            if last:
                cell.parent.seconds = 0.0
                ordered.append(WidgetsItem.from_parent(cell.parent, name="widgets"))
        items[:] = ordered + others

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(item: pytest.Item) -> None:
        if isinstance(item, IPyNbCell):
            stem = Path(str(item.parent.fspath)).stem
            if stem in FAILED:
                pytest.skip(f"an earlier cell of {stem} failed")
            item.started = time.perf_counter()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
        outcome = yield
        if not isinstance(item, IPyNbCell) or call.when != "call":
            return
        report = outcome.get_result()
        item.parent.seconds += time.perf_counter() - item.started
        # The executed cell, as a notebook stores it: outputs and execution count.
        item.cell.outputs = list(item.test_outputs or [])
        item.cell.execution_count = item.cell_num + 1
        for output in item.cell.outputs:
            if output.get("output_type") == "execute_result":
                output["execution_count"] = item.cell_num + 1
        if report.failed:
            FAILED.add(Path(str(item.parent.fspath)).stem)
