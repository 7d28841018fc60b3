"""Interactive controls that work with ipywidgets 7 (Colab) and 8 (JupyterLab).

Both helpers run the function once with the default values while the notebook
executes, so the static book page shows the default result; moving a control
re-runs it. A ``ValueError`` raised by the function (a setting that cannot work,
including subclasses such as ``TrainingDiverged``) is shown as one sentence, not
as a traceback. Controls that cannot work at all are refused up front.

What the function prints and draws is recorded in the kernel and handed to the
``Output`` widget as its ``outputs`` (the way ``Output.append_display_data``
works), rather than routed by the front end. So the output is part of the saved
widget state whatever runs the notebook, and :func:`drive_all` can move every
control of every widget a notebook showed and read what each setting produced.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from keyword import iskeyword
from typing import Any

import ipywidgets as widgets
from IPython import get_ipython
from IPython.display import display

from tutorial_utils.validate import check_str, describe

__all__ = ["CANNOT_WORK", "Explorer", "drive_all", "interactive_plot", "run_button"]

CANNOT_WORK = "These settings cannot work:"  # how a refused setting is shown


@dataclass
class Explorer:
    """One widget a chapter showed: its function, controls and output area."""

    fn: Callable[..., Any]
    controls: dict[str, widgets.ValueWidget]
    output: widgets.Output
    button: widgets.Button | None = None  # set for run_button widgets

    def render(self) -> list[dict[str, Any]]:
        """Run ``fn`` with the controls' current values; show and return outputs."""
        values = {name: control.value for name, control in self.controls.items()}
        outputs = _record(self.fn, values)
        self.output.outputs = tuple(outputs)
        return outputs


# Every widget shown in this process, in order: what drive_all() moves.
_SHOWN: list[Explorer] = []


def _check(fn: Any, controls: Any) -> None:
    """Check that ``fn(**values of controls)`` can be called at all."""
    if not callable(fn):
        raise TypeError(f"fn must be a function to call; got {describe(fn)}")
    if not isinstance(controls, Mapping):
        raise TypeError(
            "controls must be a dict from argument name to widget, e.g. "
            f"{{'lr': FloatSlider(...)}}; got {describe(controls)}"
        )
    if not controls:
        raise ValueError("controls must name at least one widget; got an empty dict")
    for name, control in controls.items():
        if not isinstance(name, str) or not name.isidentifier() or iskeyword(name):
            raise ValueError(
                "control names must be Python identifiers (they become keyword "
                f"arguments of fn); got {name!r}"
            )
        if not isinstance(control, widgets.ValueWidget):
            raise TypeError(
                f"control {name!r} must be an ipywidgets value widget (a slider, "
                f"dropdown, ...); got {describe(control)}"
            )
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins have none: nothing to check
        return
    try:
        signature.bind(**dict.fromkeys(controls))
    except TypeError as err:
        raise TypeError(
            f"fn cannot be called with the controls {list(controls)} as keyword "
            f"arguments: {err}"
        ) from None


class _Stream:
    """A stdout/stderr stand-in that appends text to an ordered output list."""

    def __init__(self, name: str, outputs: list[dict[str, Any]]) -> None:
        self.name, self.outputs = name, outputs

    def write(self, text: str) -> int:
        last = self.outputs[-1] if self.outputs else {}
        if last.get("output_type") == "stream" and last.get("name") == self.name:
            last["text"] += text
        elif text:
            self.outputs.append(
                {"output_type": "stream", "name": self.name, "text": text}
            )
        return len(text)

    def flush(self) -> None:
        pass


@contextmanager
def _capture(outputs: list[dict[str, Any]]) -> Iterator[None]:
    """Append what is printed or displayed inside the block to ``outputs``."""
    shell = get_ipython()
    publisher = getattr(shell, "display_pub", None)
    old_streams = sys.stdout, sys.stderr
    if publisher is not None:

        def publish(data: dict, metadata: dict | None = None, **_: Any) -> None:
            output = {"output_type": "display_data", "data": data}
            outputs.append({**output, "metadata": metadata or {}})

        shell.display_pub = type("_Recorder", (), {"publish": staticmethod(publish)})()
    sys.stdout, sys.stderr = _Stream("stdout", outputs), _Stream("stderr", outputs)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = old_streams
        if publisher is not None:
            shell.display_pub = publisher


def _record(fn: Callable[..., Any], values: dict[str, Any]) -> list[dict[str, Any]]:
    """Run ``fn(**values)`` and return what it printed and drew, as notebook outputs.

    A ``ValueError`` becomes one sentence; any other exception is kept as an
    ``error`` output (with its traceback), which :func:`drive_all` reports.
    """
    import matplotlib.pyplot as plt

    outputs: list[dict[str, Any]] = []
    before = set(plt.get_fignums())
    with _capture(outputs):
        try:
            fn(**values)
        except ValueError as err:
            print(f"{CANNOT_WORK} {err}")
        except Exception as err:  # noqa: BLE001 - shown, and reported by drive_all
            outputs.append({
                "output_type": "error", "ename": type(err).__name__,
                "evalue": str(err), "traceback": traceback.format_exc().splitlines(),
            })  # fmt: skip
        for number in plt.get_fignums():
            if number not in before:
                figure = plt.figure(number)
                display(figure)
                plt.close(figure)
    return outputs


def _row(children: list[widgets.Widget]) -> widgets.HBox:
    """Controls side by side, wrapping to a new line rather than squeezing a
    slider's track when the notebook or page column is narrow."""
    return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap"))


def interactive_plot(
    fn: Callable[..., Any], controls: Mapping[str, widgets.ValueWidget]
) -> widgets.VBox:
    """Show ``controls`` above the output of ``fn(**values)``, re-run on change.

    Example:
        >>> box = interactive_plot(draw, {"lr": widgets.FloatSlider(0.1, min=0.01,
        ...                                     max=1.0, step=0.01)})  # doctest: +SKIP

    Raises:
        TypeError: if ``fn`` is not callable or cannot take the control names as
            keyword arguments, ``controls`` is not a dict, or a control is not a
            value widget.
        ValueError: if ``controls`` is empty or a name is not an identifier.
    """
    _check(fn, controls)
    explorer = Explorer(fn, dict(controls), widgets.Output())
    for control in explorer.controls.values():
        control.observe(lambda _: explorer.render(), names="value")
    box = widgets.VBox([_row(list(explorer.controls.values())), explorer.output])
    _SHOWN.append(explorer)
    explorer.render()
    display(box)
    return box


def run_button(
    fn: Callable[..., Any],
    controls: Mapping[str, widgets.ValueWidget],
    *,
    description: str = "Run",
) -> widgets.VBox:
    """Show ``controls`` and a button; a click runs ``fn(**values)`` (e.g. training).

    ``fn`` runs once with the defaults right away, so the page shows that result.

    Raises:
        TypeError: as for ``interactive_plot``, or if ``description`` is not a str.
        ValueError: as for ``interactive_plot``, or if ``description`` is empty.
    """
    _check(fn, controls)
    check_str("description", description)
    button = widgets.Button(description=description, button_style="primary")
    explorer = Explorer(fn, dict(controls), widgets.Output(), button)

    def run(_: Any = None) -> None:
        button.disabled = True
        try:
            explorer.render()
        finally:
            button.disabled = False

    button.on_click(run)
    box = widgets.VBox([_row([*explorer.controls.values(), button]), explorer.output])
    _SHOWN.append(explorer)
    run()
    display(box)
    return box


def _settings(control: widgets.ValueWidget) -> list[Any]:
    """The values a test moves a control to: its ends and middle, every option of a
    choice, or for a text box the default, the default one keystroke shorter and an
    empty box (text boxes update on every keystroke, so a reader passes these)."""
    if isinstance(control, widgets.Checkbox | widgets.ToggleButton):
        return [False, True]
    if hasattr(control, "options") and not isinstance(control, widgets.Combobox):
        labels = getattr(control, "_options_values", None) or [
            option[1] if isinstance(option, tuple) else option
            for option in control.options
        ]
        return list(labels)
    if hasattr(control, "min") and hasattr(control, "max"):
        low, high = control.min, control.max
        if isinstance(control, widgets.FloatLogSlider):
            middle = control.base ** ((low + high) / 2)
            low, high = control.base**low, control.base**high
        else:
            middle = (low + high) / 2
            if isinstance(control.value, int):
                middle = round(middle)
        return [low, middle, high]
    if isinstance(control.value, str):
        text = control.value
        return [text, text[:-1], "", *getattr(control, "options", ())]
    if isinstance(control.value, int | float):
        return [control.value, control.value * 2, 1]
    raise TypeError(f"drive_all does not know how to move {describe(control)}")


def _fingerprint(outputs: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(outputs, sort_keys=True).encode()).hexdigest()


def _problems(outputs: list[dict[str, Any]], *, refusal_ok: bool) -> list[str]:
    found = []
    for output in outputs:
        if output["output_type"] == "error":
            found.append(f"{output['ename']}: {output['evalue']}")
        elif output["output_type"] == "stream" and output["name"] == "stderr":
            text = output["text"]
            if "Traceback" in text or "Error" in text:
                found.append(f"stderr: {text.strip()[-300:]}")
        text = output.get("text", "")
        if CANNOT_WORK in text and not refusal_ok:
            found.append(text.strip()[-300:])
    return found


def _sweep(explorer: Explorer, number: int, name: str) -> tuple[list[str], bool]:
    """Move one control over its settings; return its problems and whether the
    output changed."""
    control = explorer.controls[name]
    free_text = isinstance(control.value, str) or not hasattr(control, "max")
    problems, seen = [], {}
    for value in _settings(control):
        control.value = value
        if explorer.button is not None:
            explorer.button.click()
        outputs = list(explorer.output.outputs)
        where = f"widget {number} ({explorer.fn.__name__}), {name}={value!r}"
        problems += [f"{where}: {p}" for p in _problems(outputs, refusal_ok=free_text)]
        seen[repr(control.value)] = _fingerprint(outputs)
    return problems, len(set(seen.values())) > 1


def drive_all() -> list[str]:
    """Move every control of every widget shown so far; return what went wrong.

    Each control in turn (the others at their defaults) is set to its ends and
    middle (each option of a choice; for a text box the default, one keystroke
    shorter, and empty). A problem is a traceback or an error output, a refusal
    ("cannot work") where a slider or a choice offered the value, a control
    whose output never changes (also tried with each option of the widget's other
    choices, for a control that only matters under one of them), or one without a
    description (its label). Run buttons are clicked after each setting. Every
    control is put back at its default at the end, and the default output
    restored, so the saved page shows what it showed before.
    """
    problems = []
    for number, explorer in enumerate(_SHOWN):
        defaults = {name: c.value for name, c in explorer.controls.items()}
        for name, control in explorer.controls.items():
            if not control.description:
                problems.append(
                    f"widget {number} ({explorer.fn.__name__}): control {name} has no "
                    "description, so the reader cannot tell what it sets"
                )
            found, changed = _sweep(explorer, number, name)
            problems += found
            control.value = defaults[name]
            contexts = [
                (other, option)
                for other, c in explorer.controls.items()
                if other != name and hasattr(c, "options")
                for option in _settings(c)
            ]
            for other, option in contexts:
                if changed:
                    break
                explorer.controls[other].value = option
                changed = _sweep(explorer, number, name)[1]
                control.value = defaults[name]
                explorer.controls[other].value = defaults[other]
            if not changed:
                problems.append(
                    f"widget {number} ({explorer.fn.__name__}): moving {name} over "
                    f"{_settings(control)} never changes the output"
                )
        if explorer.button is not None:
            explorer.render()
    return problems
