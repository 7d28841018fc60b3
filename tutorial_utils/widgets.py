"""Interactive controls that work with ipywidgets 7 (Colab) and 8 (JupyterLab).

Both helpers run the function once with the default values while the notebook
executes, so the static book page shows the default result; moving a control
re-runs it. A ``ValueError`` raised by the function (a setting that cannot work,
including subclasses such as ``TrainingDiverged``) is shown as one sentence, not
as a traceback. Controls that cannot work at all are refused up front.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from keyword import iskeyword
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from tutorial_utils.validate import check_str, describe

__all__ = ["interactive_plot", "run_button"]


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


def _safe(fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(**kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except ValueError as err:
            print(f"These settings cannot work: {err}")
            return None

    return wrapper


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
    out = widgets.interactive_output(_safe(fn), dict(controls))
    box = widgets.VBox([_row(list(controls.values())), out])
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
    out = widgets.Output()
    safe = _safe(fn)

    def run(_: Any = None) -> None:
        button.disabled = True
        out.clear_output(wait=True)
        try:
            with out:
                safe(**{name: c.value for name, c in controls.items()})
                import matplotlib.pyplot as plt

                plt.show()
        finally:
            button.disabled = False

    button.on_click(run)
    box = widgets.VBox([_row([*controls.values(), button]), out])
    display(box)
    run()
    return box
