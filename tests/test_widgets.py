from __future__ import annotations

import ipywidgets as widgets
import pytest

from tutorial_utils import widgets as book_widgets
from tutorial_utils.widgets import CANNOT_WORK, drive_all, interactive_plot, run_button


def shown_text(box: widgets.VBox) -> str:
    """Everything the widget's output area holds, as text."""
    outputs = box.children[1].outputs
    return "".join(o.get("text", "") + str(o.get("evalue", "")) for o in outputs)


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test drives only the widgets it made."""
    monkeypatch.setattr(book_widgets, "_SHOWN", [])


def test_interactive_plot_runs_once_with_defaults_and_on_change() -> None:
    calls = []
    slider = widgets.IntSlider(value=3, min=1, max=10)
    box = interactive_plot(lambda n: calls.append(n), {"n": slider})
    assert calls == [3]
    slider.value = 7
    assert calls == [3, 7]
    assert isinstance(box, widgets.VBox)


def test_value_error_becomes_a_sentence() -> None:
    def bad(n: int) -> None:
        raise ValueError("n must be even")

    box = interactive_plot(bad, {"n": widgets.IntSlider(value=3)})
    assert shown_text(box) == f"{CANNOT_WORK} n must be even\n"


def test_output_is_recorded_in_the_widget_state_in_order() -> None:
    """What fn prints lands in the Output widget's outputs (its saved state), in
    the order it was printed, whatever runs the notebook."""

    def talk(n: int) -> None:
        print("first", n)
        print("second", file=__import__("sys").stderr)
        print("third")

    box = interactive_plot(talk, {"n": widgets.IntSlider(value=2)})
    outputs = box.children[1].outputs
    assert [(o["name"], o["text"]) for o in outputs] == [
        ("stdout", "first 2\n"), ("stderr", "second\n"), ("stdout", "third\n"),
    ]  # fmt: skip
    box.children[0].children[0].value = 5
    assert box.children[1].outputs[0]["text"] == "first 5\n"


def test_figures_are_shown_once_and_closed() -> None:
    import matplotlib.pyplot as plt

    def draw(n: int) -> None:
        plt.subplots()[1].plot(range(n))

    before = plt.get_fignums()
    box = interactive_plot(draw, {"n": widgets.IntSlider(value=3)})
    assert plt.get_fignums() == before  # closed after being shown
    assert "Figure" in shown_text(box)  # outside a kernel display() prints its repr


def test_other_exceptions_are_kept_as_an_error_output() -> None:
    def broken(n: int) -> None:
        raise IndexError("index out of range in self")

    box = interactive_plot(broken, {"n": widgets.IntSlider(value=3)})
    (output,) = box.children[1].outputs
    assert output["output_type"] == "error" and output["ename"] == "IndexError"
    assert any("index out of range" in line for line in output["traceback"])


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
def test_value_error_subclass_becomes_a_sentence(show: object) -> None:
    def train(lr: float) -> None:
        raise Diverged(f"the loss became NaN at lr={lr}")

    box = show(train, {"lr": widgets.FloatSlider(value=0.5)})  # type: ignore[operator]
    text = shown_text(box)
    assert "These settings cannot work: the loss became NaN at lr=0.5" in text
    assert "Traceback" not in text


def test_run_button_keeps_working_after_a_value_error() -> None:
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
    assert "These settings cannot work: too large" in shown_text(box)


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


def labelled(control: widgets.ValueWidget) -> widgets.ValueWidget:
    control.description = "x"
    return control


def test_drive_all_passes_widgets_that_work_and_restores_defaults() -> None:
    calls = []

    def draw(n: int, kind: str, text: str) -> None:
        calls.append((n, kind, text))
        print(n, kind, text)

    n = labelled(widgets.IntSlider(value=3, min=1, max=9))
    kind = labelled(widgets.Dropdown(options=["a", "b", "c"], value="b"))
    text = labelled(widgets.Text(value="def "))
    box = interactive_plot(draw, {"n": n, "kind": kind, "text": text})
    assert drive_all() == []
    moved = {(n_, k, t) for n_, k, t in calls}
    assert {(1, "b", "def "), (5, "b", "def "), (9, "b", "def ")} <= moved
    assert {(3, "a", "def "), (3, "c", "def "), (3, "b", "def"), (3, "b", "")} <= moved
    assert (n.value, kind.value, text.value) == (3, "b", "def ")
    assert shown_text(box) == "3 b def \n"  # the page shows the default again


def echo(x: int) -> None:
    print(x)


def refuse_zero(x: int) -> None:
    if x == 0:
        raise ValueError("no")
    print(x)


@pytest.mark.parametrize(
    ("fn", "control", "found"),
    [
        (lambda x: print(1 / (x - 1)), widgets.IntSlider(5, 1, 9, description="x"),
         "x=1: ZeroDivisionError: division by zero"),
        (echo, widgets.IntSlider(3, max=5, description="x"), None),
        (lambda x: print("same"), widgets.IntSlider(3, max=5, description="x"),
         "moving x over [0, 2, 5] never changes the output"),
        (refuse_zero, widgets.IntSlider(3, max=5, description="x"),
         "x=0: These settings cannot work: no"),
        (echo, widgets.IntSlider(3, max=5), "control x has no description"),
    ],
)  # fmt: skip
def test_drive_all_reports_what_a_reader_would_meet(
    fn: object, control: widgets.ValueWidget, found: str | None
) -> None:
    interactive_plot(fn, {"x": control})  # type: ignore[arg-type]
    problems = drive_all()
    if found is None:
        assert problems == []
    else:
        assert any(found in p for p in problems), problems


def test_drive_all_accepts_a_refusal_in_a_text_box_and_clicks_buttons() -> None:
    """A text box passes through '' while a reader types: a one-line refusal is
    the right answer there; a run button is clicked for every setting."""
    runs = []

    def generate(prompt: str) -> None:
        if not prompt:
            raise ValueError("type a prompt")
        runs.append(prompt)
        print(prompt * 2)

    run_button(generate, {"prompt": labelled(widgets.Text("ab"))})
    assert drive_all() == []
    assert runs == ["ab", "ab", "a", "ab"]  # default run, default, 'a', restored


def test_control_that_matters_under_one_option_is_tried_there() -> None:
    def show(kind: str, custom: str) -> None:
        print(custom if kind == "custom" else kind)

    kind = labelled(widgets.Dropdown(options=["edge", "custom"]))
    interactive_plot(show, {"kind": kind, "custom": labelled(widgets.Text("1 2"))})
    assert drive_all() == []
