"""Interactive controls that work with ipywidgets 7 (Colab) and 8 (JupyterLab).

Both helpers run the function once with the default values while the notebook
executes, so the static book page shows the default result; moving a control
re-runs it. A ``ValueError`` raised by the function (a setting that cannot work)
is shown as one sentence, not as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
from IPython.display import display

__all__ = ["interactive_plot", "run_button"]


def _check_controls(controls: Mapping[str, Any]) -> None:
    if not controls:
        raise ValueError("controls must name at least one widget")
    for name, control in controls.items():
        if not isinstance(control, widgets.ValueWidget):
            raise TypeError(
                f"control {name!r} must be an ipywidgets value widget (a slider, "
                f"dropdown, ...); got {type(control).__name__}"
            )


def _safe(fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(**kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except ValueError as err:
            print(f"These settings cannot work: {err}")
            return None

    return wrapper


def interactive_plot(
    fn: Callable[..., Any], controls: Mapping[str, widgets.ValueWidget]
) -> widgets.VBox:
    """Show ``controls`` above the output of ``fn(**values)``, re-run on change.

    Example:
        >>> box = interactive_plot(draw, {"lr": widgets.FloatSlider(0.1, min=0.01,
        ...                                     max=1.0, step=0.01)})  # doctest: +SKIP
    """
    _check_controls(controls)
    out = widgets.interactive_output(_safe(fn), dict(controls))
    box = widgets.VBox([widgets.HBox(list(controls.values())), out])
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
    """
    _check_controls(controls)
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
    box = widgets.VBox([widgets.HBox([*controls.values(), button]), out])
    display(box)
    run()
    return box
