"""Plots of training histories, image grids and heatmaps.

Each function returns the matplotlib ``Figure``; in a notebook assign it
(``fig = plot_history(h)``) so that it is shown once. Arguments are checked
before a figure is opened, so a mistake leaves no empty figure behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import Colormap
from matplotlib.figure import Figure

from tutorial_utils.train import History
from tutorial_utils.validate import check_bool, check_int, check_str, describe

__all__ = ["plot_history", "show_images", "plot_heatmap"]


def _to_numpy(name: str, data: Any, *, lists: bool = False) -> np.ndarray:
    """A tensor (any dtype, bfloat16 included) or array as a NumPy array."""
    if torch.is_tensor(data):
        data = data.detach().cpu()
        if data.dtype in (torch.bfloat16, torch.float16, torch.bool):
            data = data.float()  # NumPy has no bfloat16
        array = data.numpy()
    elif isinstance(data, np.ndarray) or (lists and isinstance(data, (list, tuple))):
        try:
            array = np.asarray(data)
        except ValueError:  # ragged nested lists
            raise ValueError(
                f"{name} must be a rectangular grid of numbers; got rows of "
                "different lengths"
            ) from None
    else:
        kinds = (
            "a tensor, an array or a nested list" if lists else "a tensor or an array"
        )
        raise TypeError(f"{name} must be {kinds}; got {describe(data)}")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got {describe(array)}")
    return array.astype(np.float32) if array.dtype.kind == "b" else array


def _labels(name: str, labels: Any, count: int, what: str) -> list[Any] | None:
    if labels is None:
        return None
    if torch.is_tensor(labels) or isinstance(labels, np.ndarray):
        labels = labels.tolist()  # titles "3", not "tensor(3)"
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence):
        raise TypeError(f"{name} must be a list of str; got {describe(labels)}")
    if len(labels) != count:
        raise ValueError(f"{name} must have {what}; got {len(labels)}")
    return list(labels)


def _check_cmap(cmap: Any) -> None:
    if isinstance(cmap, Colormap):
        return
    if not isinstance(cmap, str):
        raise TypeError(f"cmap must be a colormap name; got {describe(cmap)}")
    if cmap not in matplotlib.colormaps:
        raise ValueError(
            f"cmap must be a matplotlib colormap name such as 'gray' or 'viridis'; "
            f"got {cmap!r}"
        )


def plot_history(history: History, *, title: str | None = None) -> Figure:
    """Loss curves (train and validation) and, if recorded, metric curves per epoch.

    Raises:
        TypeError: if ``history`` is not a ``History`` or ``title`` not a str.
        ValueError: if it holds no epoch, or a curve's length differs from the
            number of epochs.
    """
    if not isinstance(history, History):
        raise TypeError(f"history must be a History; got {describe(history)}")
    check_str("title", title, optional=True, empty=True)
    if history.epochs == 0:
        raise ValueError("history holds no epoch: train for at least one epoch first")
    curves = {"val_loss": history.val_loss} if history.val_loss else {}
    for part in ("train", "val"):
        for metric, values in getattr(history, f"{part}_metrics").items():
            curves[f"{part}_metrics[{metric!r}]"] = values
    for label, values in curves.items():
        if len(values) != history.epochs:
            raise ValueError(
                f"history.{label} must have one value per epoch "
                f"({history.epochs}); got {len(values)}"
            )
    names = list(history.train_metrics)
    fig, axes = plt.subplots(1, 1 + bool(names), figsize=(5 + 4 * bool(names), 3.2))
    axes = np.atleast_1d(axes)
    epochs = np.arange(1, history.epochs + 1)
    # markers: a line through one or a few epochs would be invisible or hide them
    style = {"marker": "o", "markersize": 4} if history.epochs <= 30 else {}
    axes[0].plot(epochs, history.train_loss, label="train", **style)
    if history.val_loss:
        axes[0].plot(epochs, history.val_loss, label="validation", **style)
    axes[0].set(xlabel="epoch", ylabel="loss", title="loss")
    axes[0].legend()
    if names:
        for name in names:
            train_values = history.train_metrics[name]
            axes[1].plot(epochs, train_values, label=f"train {name}", **style)
            if name in history.val_metrics:
                val_values = history.val_metrics[name]
                axes[1].plot(epochs, val_values, label=f"val {name}", **style)
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

    Tensors of any dtype work, bfloat16 and float16 (mixed precision) included.

    Raises:
        TypeError: if ``images`` is not a tensor or array of numbers, ``labels``
            not a sequence, ``ncols`` not an int, ``cmap`` or ``title`` not a str.
        ValueError: for another shape, no image, ``labels`` of the wrong length,
            ``ncols`` below 1 or an unknown ``cmap``.
    """
    array = _to_numpy("images", images)
    if array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 3 or len(array) == 0:
        raise ValueError(
            f"images must have shape (N, H, W) or (N, 1, H, W) with N > 0; "
            f"got {array.shape}"
        )
    labels = _labels(
        "labels", labels, len(array), f"one entry per image ({len(array)})"
    )
    ncols = min(check_int("ncols", ncols, minimum=1), len(array))
    _check_cmap(cmap)
    check_str("title", title, optional=True, empty=True)
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

    Tensors of any dtype work, bfloat16 included; NaN cells (missing values) are
    left blank, but a matrix of NaN only has nothing to show.

    Raises:
        TypeError: if ``matrix`` is not a tensor, array or nested list of numbers,
            labels are not sequences, ``annotate`` not a bool, or ``cmap``,
            ``title``, ``xlabel``, ``ylabel`` not str.
        ValueError: if ``matrix`` is not 2-D, is empty, holds an infinite value or
            only NaN, the label counts do not match, or ``cmap`` is unknown.
    """
    array = _to_numpy("matrix", matrix, lists=True).astype(float)
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"matrix must be 2-D and non-empty; got shape {array.shape}")
    if np.isinf(array).any():
        raise ValueError(
            "matrix must hold finite numbers (NaN marks a blank cell); "
            f"got {int(np.isinf(array).sum())} infinite value(s)"
        )
    if np.isnan(array).all():
        raise ValueError(
            f"matrix holds only NaN (shape {array.shape}): nothing to draw"
        )
    xlabels = _labels("xlabels", xlabels, array.shape[1], f"{array.shape[1]} entries")
    ylabels = _labels("ylabels", ylabels, array.shape[0], f"{array.shape[0]} entries")
    check_bool("annotate", annotate)
    _check_cmap(cmap)
    for name, text in (("title", title), ("xlabel", xlabel), ("ylabel", ylabel)):
        check_str(name, text, optional=True, empty=True)
    size = (min(1 + 0.45 * array.shape[1], 9), min(0.8 + 0.4 * array.shape[0], 8))
    fig, ax = plt.subplots(figsize=(max(size[0], 3.5), max(size[1], 3)))
    image = ax.imshow(array, cmap=cmap)
    fig.colorbar(image, ax=ax)
    if xlabels is not None:
        ax.set_xticks(range(len(xlabels)), labels=[str(x) for x in xlabels])
    if ylabels is not None:
        ax.set_yticks(range(len(ylabels)), labels=[str(y) for y in ylabels])
    if annotate:
        middle = (np.nanmax(array) + np.nanmin(array)) / 2
        for (i, j), value in np.ndenumerate(array):
            text = f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"
            color = "black" if value > middle else "white"
            ax.text(j, i, text, ha="center", va="center", color=color, fontsize=8)
    ax.set(title=title or "", xlabel=xlabel or "", ylabel=ylabel or "")
    fig.tight_layout()
    return fig
