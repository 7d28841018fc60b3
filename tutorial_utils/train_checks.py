"""The argument checks of ``tutorial_utils.train``, kept apart so that the loop
reads top to bottom (it imports this module as ``check``). Each raises one sentence
naming the argument, what it expects and what it got, before ``train()`` or
``evaluate()`` does any work.
"""

from __future__ import annotations

import math
import operator
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping

import torch
from torch import Tensor, nn
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

from tutorial_utils.device import describe_device
from tutorial_utils.validate import check_bool, check_int, check_real, describe

__all__ = [
    "TrainingDiverged",
    "finite",
    "some_examples",
    "expect",
    "unpack_batch",
    "loader",
    "evaluate_args",
    "train_args",
    "compute_loss",
]


class TrainingDiverged(ValueError):
    """The training loss became NaN or infinite; no later step can repair that."""


def finite(loss: Tensor, epoch: int, step: int) -> None:
    """Stop training at the first NaN or infinite loss, saying where and what to try.

    Raises:
        TrainingDiverged: if ``loss`` is not finite.
    """
    if not math.isfinite(loss.item()):
        raise TrainingDiverged(
            f"the training loss is {loss.item()} at epoch {epoch}, step {step}; try "
            "a smaller learning rate or gradient clipping (grad_clip=1.0), and "
            "check the data for NaN or huge values"
        )


def some_examples(count: int, name: str) -> None:
    """Refuse a mean over no examples (it would be NaN).

    Raises:
        ValueError: if ``count`` is 0.
    """
    if count == 0:
        raise ValueError(f"{name} yielded no examples; is the data set empty?")


def expect(ok: bool, name: str, expected: str, value: object) -> None:
    """Raise ``TypeError("<name> must be <expected>; got <value>")`` unless ``ok``."""
    if not ok:
        raise TypeError(f"{name} must be {expected}; got {describe(value)}")


def unpack_batch(batch: object, name: str) -> tuple[Tensor, Tensor]:
    """The (x, y) tensors of one batch, which must have the same length.

    Raises:
        TypeError: for anything but a pair of tensors of equal length.
    """
    items = isinstance(batch, (tuple, list))
    ok = items and len(batch) == 2
    ok = ok and all(isinstance(t, Tensor) and t.ndim > 0 for t in batch)
    if not ok or len(batch[0]) != len(batch[1]):
        got = [describe(t) for t in batch] if items else describe(batch)
        raise TypeError(
            f"{name} must yield (x, y) pairs of tensors of equal length; got {got}"
        )
    return batch[0], batch[1]


def loader(name: str, value: object) -> None:
    """A re-iterable, non-empty source of batches (a tensor or generator is not).

    Raises:
        TypeError: for a tensor, a one-shot iterator or a non-iterable.
        ValueError: for a loader that reports no batches.
    """
    # a tensor iterates over its rows, and a generator is spent after one epoch
    ok = isinstance(value, Iterable) and not isinstance(value, (Tensor, Iterator))
    expected = "a DataLoader of (x, y) batches (use make_loader(X, y, batch_size=...))"
    expect(ok, name, expected, value)
    if operator.length_hint(value, 1) == 0:
        raise ValueError(f"{name} holds no batches; is the data set empty?")


def evaluate_args(
    model: object, loss_fn: object, device: object, metrics: object
) -> torch.device:
    """The checks ``train()`` and ``evaluate()`` share; returns the device.

    Raises:
        TypeError / ValueError: naming the first bad argument.
    """
    expect(isinstance(model, nn.Module), "model", "a torch.nn.Module", model)
    ok = callable(loss_fn) and not isinstance(loss_fn, type)
    expect(ok, "loss_fn", "a function or an object such as nn.MSELoss()", loss_fn)
    ok = metrics is None or isinstance(metrics, Mapping)
    ok = ok and all(
        isinstance(k, str) and callable(f) for k, f in (metrics or {}).items()
    )
    expect(
        ok, "metrics", "a dict of name -> function such as {'acc': accuracy}", metrics
    )
    describe_device(device)  # raises unless a cpu, cuda or mps device this machine has
    return torch.device(device)


def train_args(
    model: nn.Module, train_loader: object, *, loss_fn: object, optimizer: object,
    epochs: object, device: object, val_loader: object, metrics: object,
    scheduler: object, mixed_precision: object, grad_clip: object, progress: object,
) -> torch.device:  # fmt: skip
    """Every argument of ``train()``; returns the device.

    Raises:
        TypeError / ValueError: naming the first bad argument.
    """
    expect(isinstance(model, nn.Module), "model", "a torch.nn.Module", model)
    loader("train_loader", train_loader)
    if val_loader is not None:
        loader("val_loader", val_loader)
    device = evaluate_args(model, loss_fn, device, metrics)
    ok = isinstance(optimizer, torch.optim.Optimizer)
    expect(ok, "optimizer", "a torch.optim.Optimizer", optimizer)
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if not any(id(p) in held for p in model.parameters()):
        raise ValueError(
            "optimizer must hold the model's parameters; it holds none of them "
            "(was it built for another model?)"
        )
    check_int("epochs", epochs, minimum=1)
    if scheduler is not None:
        ok = isinstance(scheduler, (LRScheduler, ReduceLROnPlateau))
        expect(ok, "scheduler", "a torch.optim.lr_scheduler scheduler", scheduler)
        if isinstance(scheduler, ReduceLROnPlateau) and val_loader is None:
            raise ValueError(
                "scheduler ReduceLROnPlateau steps on the validation loss, so it "
                "needs a val_loader; got none"
            )
    check_bool("mixed_precision", mixed_precision)
    check_bool("progress", progress)
    if grad_clip is not None and check_real("grad_clip", grad_clip) <= 0:
        raise ValueError(f"grad_clip must be a positive number; got {grad_clip}")
    return device


def compute_loss(loss_fn: Callable, out: Tensor, y: Tensor) -> Tensor:
    """``loss_fn(out, y)``, with a shape or dtype mismatch said in one sentence.

    Raises:
        ValueError: when ``loss_fn`` cannot compare ``out`` with ``y`` (both shapes
            are named), or silently broadcasts them, or returns no scalar.
    """
    try:
        with warnings.catch_warnings():
            # torch only warns when an element-wise loss broadcasts (B, 1) against
            # (B,) into (B, B): a silent wrong result, so treat it as an error
            warnings.filterwarnings("error", "Using a target size", UserWarning)
            loss = loss_fn(out, y)
    except (RuntimeError, ValueError, IndexError, UserWarning) as err:
        raise ValueError(
            f"loss_fn could not compare the model output of shape {tuple(out.shape)} "
            f"with the targets of shape {tuple(y.shape)} ({type(err).__name__}: "
            f"{str(err).splitlines()[0]}); check the model's last layer and the "
            "target shape and dtype (class indices must be int64; a regression "
            "output of shape (B, 1) needs targets of shape (B, 1))"
        ) from err
    if not isinstance(loss, Tensor) or loss.ndim != 0:
        raise ValueError(f"loss_fn must return a scalar; got {describe(loss)}")
    return loss
