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


def test_controls_wrap_instead_of_squeezing_sliders() -> None:
    """Several sliders in a narrow column wrap to new lines, keeping their width."""
    controls = {name: widgets.FloatSlider() for name in ("a", "b", "c", "d")}
    for box in (
        interactive_plot(lambda a, b, c, d: None, controls),
        run_button(lambda a, b, c, d: None, controls),
    ):
        row = box.children[0]
        assert row.layout.flex_flow == "row wrap", row.layout.flex_flow


def test_bad_controls() -> None:
    with pytest.raises(ValueError, match="at least one widget"):
        interactive_plot(print, {})
    with pytest.raises(TypeError, match="control 'n' must be an ipywidgets value"):
        interactive_plot(print, {"n": 3})  # type: ignore[dict-item]


class Diverged(ValueError):
    """Stands in for train's TrainingDiverged, a ValueError subclass."""


@pytest.mark.parametrize("show", [interactive_plot, run_button])
def test_value_error_subclass_becomes_a_sentence(
    show: object, capsys: pytest.CaptureFixture
) -> None:
    def train(lr: float) -> None:
        raise Diverged(f"the loss became NaN at lr={lr}")

    show(train, {"lr": widgets.FloatSlider(value=0.5)})  # type: ignore[operator]
    out = capsys.readouterr().out
    assert "These settings cannot work: the loss became NaN at lr=0.5" in out
    assert "Traceback" not in out


def test_run_button_keeps_working_after_a_value_error(
    capsys: pytest.CaptureFixture,
) -> None:
    calls = []

    def fit(n: int) -> None:
        calls.append(n)
        if n > 5:
            raise Diverged("too large")

    n = widgets.IntSlider(value=3)
    box = run_button(fit, {"n": n})
    n.value = 9
    box.children[0].children[-1].click()
    assert calls == [3, 9] and not box.children[0].children[-1].disabled
    assert "These settings cannot work: too large" in capsys.readouterr().out


def draw(n: int) -> None:
    pass


@pytest.mark.parametrize("show", [interactive_plot, run_button])
@pytest.mark.parametrize(
    ("fn", "controls", "error", "message"),
    [
        (draw, [widgets.IntSlider()], TypeError,
         r"controls must be a dict from argument name to widget.*; got list"),
        (draw, None, TypeError, "controls must be a dict .*; got None"),
        (draw, {}, ValueError, "controls must name at least one widget"),
        ("draw", {"n": widgets.IntSlider()}, TypeError,
         "fn must be a function to call; got str 'draw'"),
        (None, {"n": widgets.IntSlider()}, TypeError, "fn must be a function"),
        (draw, {1: widgets.IntSlider()}, ValueError,
         "control names must be Python identifiers .*; got 1"),
        (draw, {"learning rate": widgets.IntSlider()}, ValueError,
         "control names must be Python identifiers .*; got 'learning rate'"),
        (draw, {"lambda": widgets.IntSlider()}, ValueError,
         "identifiers .*; got 'lambda'"),
        (draw, {"n": 3}, TypeError,
         "control 'n' must be an ipywidgets value widget .*; got int 3"),
        (draw, {"n": widgets.Button()}, TypeError,
         "control 'n' must be an ipywidgets value widget .*; got Button"),
        (draw, {"m": widgets.IntSlider()}, TypeError,
         r"fn cannot be called with the controls \['m'\] as keyword arguments"),
        (lambda n, k: None, {"n": widgets.IntSlider()}, TypeError,
         "fn cannot be called with the controls .*missing a required argument: 'k'"),
    ],
)  # fmt: skip
def test_controls_that_cannot_work(
    show: object, fn: object, controls: object, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        show(fn, controls)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("description", "error", "message"),
    [
        (3, TypeError, "description must be a str; got int 3"),
        (None, TypeError, "description must be a str; got None"),
        ("", ValueError, "description must be a non-empty str; got ''"),
    ],
)
def test_run_button_description(description: object, error: type, message: str) -> None:
    calls = []

    def record(x: int) -> None:
        calls.append(x)

    with pytest.raises(error, match=message):
        run_button(record, {"x": widgets.IntSlider()}, description=description)
    assert calls == []  # checked before anything ran


def test_functions_that_take_keyword_arguments_are_fine() -> None:
    calls = []
    interactive_plot(lambda **kwargs: calls.append(kwargs), {"a": widgets.IntSlider(1)})
    interactive_plot(lambda a, b=2: calls.append(a + b), {"a": widgets.IntSlider(1)})
    assert calls == [{"a": 1}, 3]
