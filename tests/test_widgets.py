from __future__ import annotations

import ipywidgets as widgets
import pytest

from tutorial_utils.widgets import interactive_plot, run_button


def test_interactive_plot_runs_once_with_defaults_and_on_change() -> None:
    calls = []
    slider = widgets.IntSlider(value=3, min=1, max=10)
    box = interactive_plot(lambda n: calls.append(n), {"n": slider})
    assert calls == [3]
    slider.value = 7
    assert calls == [3, 7]
    assert isinstance(box, widgets.VBox)


def test_value_error_becomes_a_sentence(capsys: pytest.CaptureFixture) -> None:
    def bad(n: int) -> None:
        raise ValueError("n must be even")

    # outside a kernel the Output widget does not capture, so the text reaches stdout
    interactive_plot(bad, {"n": widgets.IntSlider(value=3)})
    assert "These settings cannot work: n must be even" in capsys.readouterr().out


def test_run_button_runs_default_then_on_click() -> None:
    calls = []
    lr = widgets.FloatSlider(value=0.1, min=0.01, max=1.0)
    box = run_button(lambda lr: calls.append(lr), {"lr": lr}, description="Train")
    assert calls == [pytest.approx(0.1)]
    button = box.children[0].children[-1]
    assert button.description == "Train"
    lr.value = 0.5
    button.click()
    assert calls[-1] == pytest.approx(0.5) and not button.disabled


def test_bad_controls() -> None:
    with pytest.raises(ValueError, match="at least one widget"):
        interactive_plot(print, {})
    with pytest.raises(TypeError, match="control 'n' must be an ipywidgets value"):
        interactive_plot(print, {"n": 3})  # type: ignore[dict-item]
