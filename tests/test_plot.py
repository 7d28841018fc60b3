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
