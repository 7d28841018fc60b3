"""One visible training loop, with a progress bar, that returns a ``History``.

``train()`` reads top to bottom like a textbook's loop and calls ``evaluate()`` for
the validation pass. The argument checks that make both fail early, with one
sentence, live in ``tutorial_utils.train_checks``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau
from tqdm.auto import tqdm

from tutorial_utils import train_checks as check
from tutorial_utils.device import cuda_has_native_bf16
from tutorial_utils.train_checks import TrainingDiverged

__all__ = ["History", "TrainingDiverged", "accuracy", "evaluate", "train"]

Batch = tuple[Tensor, Tensor]
LossFn = Callable[[Tensor, Tensor], Tensor]
Metrics = Mapping[str, Callable[[Tensor, Tensor], Tensor | float]]


@dataclass
class History:
    """Per-epoch record of one training run.

    Attributes:
        train_loss: mean training loss of each epoch.
        val_loss: mean validation loss of each epoch (empty without validation data).
        train_metrics / val_metrics: metric name -> one value per epoch.
        epoch_seconds: wall-clock seconds of each epoch (training and validation).
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_metrics: dict[str, list[float]] = field(default_factory=dict)
    val_metrics: dict[str, list[float]] = field(default_factory=dict)
    epoch_seconds: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """Number of finished epochs."""
        return len(self.train_loss)

    @property
    def seconds(self) -> float:
        """Total training time in seconds."""
        return float(sum(self.epoch_seconds))


def accuracy(logits: Tensor, y: Tensor) -> Tensor:
    """Share of rows whose arg-max over the last dimension equals the label.

    Example:
        >>> accuracy(torch.tensor([[2.0, 1.0], [0.0, 3.0]]), torch.tensor([0, 0]))
        tensor(0.5000)

    Raises:
        TypeError: if ``logits`` or ``y`` is not a tensor.
        ValueError: if ``logits`` is not of shape ``y.shape + (num_classes,)``.
    """
    check.expect(isinstance(logits, Tensor), "logits", "a torch.Tensor", logits)
    check.expect(isinstance(y, Tensor), "y", "a torch.Tensor", y)
    if logits.ndim == 0 or logits.shape[:-1] != y.shape:
        raise ValueError(
            "logits must have shape y.shape + (num_classes,); "
            f"got logits {tuple(logits.shape)} and y {tuple(y.shape)}"
        )
    return (logits.argmax(dim=-1) == y).float().mean()


def evaluate(
    model: nn.Module, loader: Iterable[Batch], *, loss_fn: LossFn,
    device: torch.device | str, metrics: Metrics | None = None,
) -> dict[str, float]:  # fmt: skip
    """Mean loss and metrics of ``model`` over the examples of ``loader``.

    Runs in eval mode, without gradients, on ``device`` (the model is moved there).
    Each example counts once: a short last batch weighs less, an empty one nothing.
    Returns a dict with key ``"loss"`` and one key per metric.

    Raises:
        TypeError / ValueError: for a bad argument or batch (the sentence names
            it) and when ``loader`` yields no examples.
    """
    device = check.evaluate_args(model, loss_fn, device, metrics)
    check.loader("loader", loader)
    metrics = dict(metrics or {})
    model.to(device).eval()
    sums, count = dict.fromkeys(["loss", *metrics], 0.0), 0
    with torch.no_grad():
        for batch in loader:
            x, y = check.unpack_batch(batch, "loader")
            if len(x) == 0:
                continue  # no examples, and a mean over none is NaN
            x, y = x.to(device), y.to(device)
            out = model(x)
            sums["loss"] += check.compute_loss(loss_fn, out, y).item() * len(x)
            for name, fn in metrics.items():
                sums[name] += float(fn(out.float(), y)) * len(x)
            count += len(x)
    check.some_examples(count, "loader")
    return {name: total / count for name, total in sums.items()}


def train(
    model: nn.Module, train_loader: Iterable[Batch], *, loss_fn: LossFn,
    optimizer: torch.optim.Optimizer, epochs: int, device: torch.device | str,
    val_loader: Iterable[Batch] | None = None, metrics: Metrics | None = None,
    scheduler: LRScheduler | None = None, mixed_precision: bool = False,
    grad_clip: float | None = None, progress: bool = True, desc: str = "training",
) -> History:  # fmt: skip
    """Train ``model`` for ``epochs`` epochs and return its ``History``.

    Each epoch: one gradient step per batch of ``train_loader``, then, if given,
    ``evaluate()`` on ``val_loader``, then one ``scheduler.step()`` (a
    ``ReduceLROnPlateau`` is given the validation loss). ``grad_clip`` caps the norm
    of every step's gradient. ``mixed_precision=True`` runs the forward pass under
    autocast on CUDA (bfloat16 on GPUs with bfloat16 tensor cores, compute
    capability 8.0 and newer; float16 with gradient scaling on older ones, such as
    a T4) and changes nothing on CPU and MPS.

    Example:
        >>> history = train(model, loader, loss_fn=nn.CrossEntropyLoss(),
        ...                 optimizer=opt, epochs=5, device=get_device(),
        ...                 metrics={"accuracy": accuracy})  # doctest: +SKIP

    Raises:
        TypeError / ValueError: before any work, for a bad argument (the sentence
            names it, what it expects and what it got); later, for a batch that is
            not an (x, y) pair or a model output that does not fit ``loss_fn``.
        TrainingDiverged: at the first NaN or infinite training loss.
    """
    device = check.train_args(
        model, train_loader, loss_fn=loss_fn, optimizer=optimizer, epochs=epochs,
        device=device, val_loader=val_loader, metrics=metrics, scheduler=scheduler,
        mixed_precision=mixed_precision, grad_clip=grad_clip, progress=progress,
    )  # fmt: skip
    metrics = dict(metrics or {})
    model.to(device)
    amp = mixed_precision and device.type == "cuda"
    amp_dtype = torch.bfloat16 if amp and cuda_has_native_bf16(device) else torch.half
    # float16, unlike bfloat16, needs the loss scaled so small gradients survive
    scaler = torch.amp.GradScaler("cuda", enabled=amp and amp_dtype == torch.half)
    history = History()
    bar = tqdm(range(1, epochs + 1), desc=desc, disable=not progress, unit="epoch")
    for epoch in bar:
        start = time.perf_counter()
        model.train()
        sums, count = dict.fromkeys(["loss", *metrics], 0.0), 0
        for step, batch in enumerate(train_loader, start=1):
            x, y = check.unpack_batch(batch, "train_loader")
            if len(x) == 0:
                continue  # no examples to learn from, and a NaN mean loss
            x, y = x.to(device), y.to(device)
            with torch.autocast("cuda", dtype=amp_dtype, enabled=amp):
                out = model(x)
                loss = check.compute_loss(loss_fn, out, y)
            check.finite(loss, epoch, step)  # else stop: no later step repairs NaN
            optimizer.zero_grad()
            scaler.scale(loss).backward()
            if grad_clip is not None:
                scaler.unscale_(optimizer)  # clip the true gradient, not the scaled
                nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
            scaler.step(optimizer)
            scaler.update()
            sums["loss"] += loss.item() * len(x)
            for name, fn in metrics.items():
                sums[name] += float(fn(out.detach().float(), y)) * len(x)
            count += len(x)
        check.some_examples(count, "train_loader")
        history.train_loss.append(sums.pop("loss") / count)
        for name, total in sums.items():
            history.train_metrics.setdefault(name, []).append(total / count)
        postfix = {"loss": history.train_loss[-1]}
        if val_loader is not None:
            val = evaluate(
                model, val_loader, loss_fn=loss_fn, device=device, metrics=metrics
            )
            history.val_loss.append(val["loss"])
            for name in metrics:
                history.val_metrics.setdefault(name, []).append(val[name])
            postfix |= {f"val_{name}": value for name, value in val.items()}
        if isinstance(scheduler, ReduceLROnPlateau):
            scheduler.step(history.val_loss[-1])  # it lowers the lr on a plateau
        elif scheduler is not None:
            scheduler.step()
        history.epoch_seconds.append(time.perf_counter() - start)
        bar.set_postfix(postfix)
    return history
