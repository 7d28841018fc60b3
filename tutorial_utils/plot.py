"""Plots of training histories, image grids and heatmaps.

Each function returns the matplotlib ``Figure``; in a notebook assign it
(``fig = plot_history(h)``) so that it is shown once.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from tutorial_utils.train import History

__all__ = ["plot_history", "show_images", "plot_heatmap"]


def plot_history(history: History, *, title: str | None = None) -> Figure:
    """Loss curves (train and validation) and, if recorded, metric curves per epoch.

    Raises:
        TypeError: if ``history`` is not a ``History``.
        ValueError: if it holds no epoch.
    """
    if not isinstance(history, History):
        raise TypeError(f"history must be a History; got {type(history).__name__}")
    if history.epochs == 0:
        raise ValueError("history holds no epoch: train for at least one epoch first")
    names = list(history.train_metrics)
    fig, axes = plt.subplots(1, 1 + bool(names), figsize=(5 + 4 * bool(names), 3.2))
    axes = np.atleast_1d(axes)
    epochs = np.arange(1, history.epochs + 1)
    axes[0].plot(epochs, history.train_loss, label="train")
    if history.val_loss:
        axes[0].plot(epochs, history.val_loss, label="validation")
    axes[0].set(xlabel="epoch", ylabel="loss", title="loss")
    axes[0].legend()
    if names:
        for name in names:
            axes[1].plot(epochs, history.train_metrics[name], label=f"train {name}")
            if name in history.val_metrics:
                axes[1].plot(epochs, history.val_metrics[name], label=f"val {name}")
        axes[1].set(xlabel="epoch", title=", ".join(names))
        axes[1].legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_images(
    images: torch.Tensor | np.ndarray,
    labels: Sequence[str] | None = None,
    *,
    ncols: int = 10,
    cmap: str = "gray",
    title: str | None = None,
) -> Figure:
    """Show a grid of images of shape ``(N, H, W)`` or ``(N, 1, H, W)``.

    Raises:
        ValueError: for another shape, or ``labels`` of the wrong length.
    """
    array = images.detach().cpu().numpy() if torch.is_tensor(images) else images
    array = np.asarray(array)
    if array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 3 or len(array) == 0:
        raise ValueError(
            f"images must have shape (N, H, W) or (N, 1, H, W) with N > 0; "
            f"got {array.shape}"
        )
    if labels is not None and len(labels) != len(array):
        raise ValueError(
            f"labels must have one entry per image ({len(array)}); got {len(labels)}"
        )
    ncols = max(1, min(ncols, len(array)))
    nrows = -(-len(array) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.2 * ncols, 1.3 * nrows))
    for i, ax in enumerate(np.atleast_1d(axes).ravel()):
        ax.axis("off")
        if i < len(array):
            ax.imshow(array[i], cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_heatmap(
    matrix: torch.Tensor | np.ndarray,
    *,
    xlabels: Sequence[str] | None = None,
    ylabels: Sequence[str] | None = None,
    title: str | None = None,
    annotate: bool = False,
    cmap: str = "viridis",
    xlabel: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Heatmap of a 2-D array (attention weights, confusion matrices, kernels).

    Raises:
        ValueError: if ``matrix`` is not 2-D or the label counts do not match.
    """
    array = matrix.detach().cpu().numpy() if torch.is_tensor(matrix) else matrix
    array = np.asarray(array, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"matrix must be 2-D; got shape {array.shape}")
    for axis, labels, name in ((1, xlabels, "xlabels"), (0, ylabels, "ylabels")):
        if labels is not None and len(labels) != array.shape[axis]:
            raise ValueError(
                f"{name} must have {array.shape[axis]} entries; got {len(labels)}"
            )
    size = (min(1 + 0.45 * array.shape[1], 9), min(0.8 + 0.4 * array.shape[0], 8))
    fig, ax = plt.subplots(figsize=(max(size[0], 3.5), max(size[1], 3)))
    image = ax.imshow(array, cmap=cmap)
    fig.colorbar(image, ax=ax)
    if xlabels is not None:
        ax.set_xticks(range(len(xlabels)), labels=list(xlabels))
    if ylabels is not None:
        ax.set_yticks(range(len(ylabels)), labels=list(ylabels))
    if annotate:
        middle = (array.max() + array.min()) / 2
        for (i, j), value in np.ndenumerate(array):
            text = f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"
            color = "black" if value > middle else "white"
            ax.text(j, i, text, ha="center", va="center", color=color, fontsize=8)
    ax.set(title=title or "", xlabel=xlabel or "", ylabel=ylabel or "")
    fig.tight_layout()
    return fig
