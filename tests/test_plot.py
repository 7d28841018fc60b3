from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from tutorial_utils.plot import plot_heatmap, plot_history, show_images  # noqa: E402
from tutorial_utils.train import History  # noqa: E402


def test_plot_history_draws_every_curve() -> None:
    history = History(
        train_loss=[1.0, 0.5, 0.2], val_loss=[1.1, 0.6, 0.4],
        train_metrics={"accuracy": [0.5, 0.8, 0.9]},
        val_metrics={"accuracy": [0.4, 0.7, 0.85]},
    )  # fmt: skip
    fig = plot_history(history, title="run")
    loss_ax, metric_ax = fig.axes
    assert [list(line.get_ydata()) for line in loss_ax.lines] == [
        history.train_loss,
        history.val_loss,
    ]
    assert len(metric_ax.lines) == 2 and fig._suptitle.get_text() == "run"
    plt.close(fig)


def test_one_epoch_is_drawn_as_points() -> None:
    """A line through a single point is invisible: short histories get markers."""
    fig = plot_history(
        History(train_loss=[0.7], val_loss=[0.8], train_metrics={"acc": [0.5]},
                val_metrics={"acc": [0.4]})
    )  # fmt: skip
    lines = [line for ax in fig.axes for line in ax.lines]
    assert len(lines) == 4 and all(line.get_marker() == "o" for line in lines)
    plt.close(fig)
    long = plot_history(History(train_loss=list(np.linspace(1, 0.1, 50))))
    assert long.axes[0].lines[0].get_marker() in ("None", "", None)
    plt.close(long)


def test_plot_history_errors() -> None:
    with pytest.raises(ValueError, match="holds no epoch"):
        plot_history(History())
    with pytest.raises(TypeError, match="history must be a History"):
        plot_history({"loss": [1.0]})  # type: ignore[arg-type]


def test_show_images_grid_and_labels() -> None:
    fig = show_images(torch.rand(7, 1, 8, 8), labels=list("abcdefg"), ncols=4)
    assert len(fig.axes) == 8  # a 2 x 4 grid, the last one empty
    assert [ax.get_title() for ax in fig.axes[:7]] == list("abcdefg")
    plt.close(fig)
    with pytest.raises(ValueError, match=r"\(N, H, W\) or \(N, 1, H, W\)"):
        show_images(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="one entry per image"):
        show_images(np.zeros((2, 4, 4)), labels=["a"])


def test_heatmap_values_and_labels() -> None:
    matrix = np.array([[3, 0], [1, 5]])
    fig = plot_heatmap(matrix, xlabels=["a", "b"], ylabels=["c", "d"], annotate=True)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), matrix)
    assert sorted(t.get_text() for t in ax.texts) == ["0", "1", "3", "5"]
    plt.close(fig)
    with pytest.raises(ValueError, match="matrix must be 2-D"):
        plot_heatmap(np.zeros(3))
    with pytest.raises(ValueError, match="xlabels must have 2 entries; got 3"):
        plot_heatmap(matrix, xlabels=["a", "b", "c"])


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.bool])
def test_low_precision_tensors_are_drawn(dtype: torch.dtype) -> None:
    # mixed precision produces bfloat16, which NumPy cannot hold
    images = torch.rand(3, 1, 4, 4).to(dtype)
    fig = show_images(images)
    shown = fig.axes[0].images[0].get_array()
    np.testing.assert_allclose(shown, images[0, 0].float().numpy())
    plt.close(fig)
    matrix = torch.tensor([[0.25, 0.5], [1.0, 0.0]]).to(dtype)
    fig = plot_heatmap(matrix, annotate=True)
    np.testing.assert_allclose(
        fig.axes[0].images[0].get_array(), matrix.float().numpy()
    )
    plt.close(fig)


def test_tensor_labels_become_numbers() -> None:
    fig = show_images(torch.rand(2, 4, 4), labels=torch.tensor([3, 7]))
    assert [ax.get_title() for ax in fig.axes] == ["3", "7"]
    plt.close(fig)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: show_images([[[0.0]]]), TypeError,
         "images must be a tensor or an array; got list"),
        (lambda: show_images(None), TypeError, "images must be a tensor or an array"),
        (lambda: show_images(np.array([["a"]] * 2)), TypeError,
         "images must hold real numbers"),
        (lambda: show_images(np.zeros((0, 8, 8))), ValueError, r"with N > 0; got \(0"),
        (lambda: show_images(torch.empty(0, 1, 8, 8)), ValueError, "with N > 0"),
        (lambda: show_images(torch.rand(2, 3, 4, 4)), ValueError,
         r"\(N, H, W\) or \(N, 1, H, W\)"),
        (lambda: show_images(np.zeros((2, 4, 4)), labels=["a", "b", "c"]), ValueError,
         r"labels must have one entry per image \(2\); got 3"),
        (lambda: show_images(np.zeros((2, 4, 4)), labels="ab"), TypeError,
         "labels must be a list of str; got str"),
        (lambda: show_images(np.zeros((2, 4, 4)), labels=5), TypeError,
         "labels must be a list of str; got int"),
        (lambda: show_images(np.zeros((2, 4, 4)), ncols=0), ValueError,
         "ncols must be at least 1; got 0"),
        (lambda: show_images(np.zeros((2, 4, 4)), ncols=-3), ValueError,
         "ncols must be at least 1; got -3"),
        (lambda: show_images(np.zeros((2, 4, 4)), ncols=2.5), TypeError,
         "ncols must be an int; got float 2.5"),
        (lambda: show_images(np.zeros((2, 4, 4)), ncols=True), TypeError,
         "ncols must be an int; got bool"),
        (lambda: show_images(np.zeros((2, 4, 4)), cmap="gray_r_"), ValueError,
         "cmap must be a matplotlib colormap name .*; got 'gray_r_'"),
        (lambda: show_images(np.zeros((2, 4, 4)), cmap=3), TypeError,
         "cmap must be a colormap name; got int 3"),
        (lambda: show_images(np.zeros((2, 4, 4)), title=3), TypeError,
         "title must be a str or None; got int 3"),
    ],
)  # fmt: skip
def test_show_images_bad_input(call: object, error: type, message: str) -> None:
    figures = plt.get_fignums()
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]
    assert plt.get_fignums() == figures  # checked before a figure was opened


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: plot_heatmap(np.full((2, 2), np.nan)), ValueError,
         r"matrix holds only NaN \(shape \(2, 2\)\): nothing to draw"),
        (lambda: plot_heatmap(np.array([[1.0, np.inf]])), ValueError,
         r"matrix must hold finite numbers .*; got 1 infinite value"),
        (lambda: plot_heatmap(np.zeros((0, 3))), ValueError,
         r"matrix must be 2-D and non-empty; got shape \(0, 3\)"),
        (lambda: plot_heatmap(np.zeros((2, 2, 2))), ValueError, "matrix must be 2-D"),
        (lambda: plot_heatmap("matrix"), TypeError,
         "matrix must be a tensor, an array or a nested list; got str"),
        (lambda: plot_heatmap([[1, 2], [3]]), ValueError,
         "matrix must be a rectangular grid of numbers"),
        (lambda: plot_heatmap([["a", "b"]]), TypeError, "must hold real numbers"),
        (lambda: plot_heatmap(np.eye(2), ylabels=["a"]), ValueError,
         "ylabels must have 2 entries; got 1"),
        (lambda: plot_heatmap(np.eye(2), xlabels="ab"), TypeError,
         "xlabels must be a list of str; got str"),
        (lambda: plot_heatmap(np.eye(2), annotate="yes"), TypeError,
         "annotate must be True or False"),
        (lambda: plot_heatmap(np.eye(2), cmap="virdis"), ValueError,
         "cmap must be a matplotlib colormap name"),
        (lambda: plot_heatmap(np.eye(2), xlabel=1), TypeError,
         "xlabel must be a str or None; got int 1"),
    ],
)  # fmt: skip
def test_plot_heatmap_bad_input(call: object, error: type, message: str) -> None:
    figures = plt.get_fignums()
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]
    assert plt.get_fignums() == figures


def test_heatmap_of_a_list_with_a_missing_value() -> None:
    fig = plot_heatmap([[1, float("nan")], [2, 4]], annotate=True)
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["1", "2", "4", "nan"]
    plt.close(fig)


def test_plot_history_bad_input() -> None:
    ragged = History(train_loss=[1.0, 0.5], val_loss=[1.0])
    with pytest.raises(ValueError, match=r"history.val_loss must have one value per "
                       r"epoch \(2\); got 1"):  # fmt: skip
        plot_history(ragged)
    short_metric = History(train_loss=[1.0, 0.5], val_metrics={"accuracy": [0.5]})
    with pytest.raises(ValueError, match=r"history.val_metrics\['accuracy'\] must"):
        plot_history(short_metric)
    with pytest.raises(TypeError, match="title must be a str or None; got int 3"):
        plot_history(History(train_loss=[1.0]), title=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="history must be a History; got None"):
        plot_history(None)  # type: ignore[arg-type]
