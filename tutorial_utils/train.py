"""One visible training loop, with a progress bar, that returns a ``History``."""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import torch
from torch import nn
from tqdm.auto import tqdm

__all__ = ["History", "accuracy", "make_loader", "evaluate", "train"]

Batch = tuple[torch.Tensor, torch.Tensor]
MetricFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor | float]


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


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Share of rows whose arg-max over the last dimension equals the label.

    Raises:
        ValueError: if ``logits`` is not ``y.shape + (num_classes,)``.
    """
    if logits.shape[:-1] != y.shape:
        raise ValueError(
            "logits must have shape y.shape + (num_classes,); "
            f"got logits {tuple(logits.shape)} and y {tuple(y.shape)}"
        )
    return (logits.argmax(dim=-1) == y).float().mean()


def make_loader(
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    batch_size: int,
    shuffle: bool = False,
    seed: int = 0,
) -> torch.utils.data.DataLoader:
    """Wrap two tensors in a ``DataLoader``; shuffling is reproducible via ``seed``.

    Raises:
        ValueError: if ``X`` and ``y`` differ in length or ``batch_size`` < 1.
    """
    if len(X) != len(y):
        raise ValueError(
            f"X and y must have the same length; got {len(X)} and {len(y)}"
        )
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1; got {batch_size}")
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    dataset = torch.utils.data.TensorDataset(X, y)
    return torch.utils.data.DataLoader(
        dataset, batch_size=batch_size, shuffle=shuffle, generator=generator
    )


def _autocast(device: torch.device, enabled: bool) -> contextlib.AbstractContextManager:
    """bf16 (or fp16) autocast on CUDA when enabled; a no-op elsewhere."""
    if enabled and device.type == "cuda":
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.autocast(device_type="cuda", dtype=dtype)
    return contextlib.nullcontext()


def _loss(loss_fn: Callable, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    try:
        with warnings.catch_warnings():
            # torch only warns when an element-wise loss broadcasts (B, 1) against
            # (B,) into (B, B): a silent wrong result, so treat it as an error
            warnings.filterwarnings("error", "Using a target size", UserWarning)
            return loss_fn(out, y)
    except (RuntimeError, ValueError, IndexError, UserWarning) as err:
        raise ValueError(
            f"loss_fn could not compare the model output of shape {tuple(out.shape)} "
            f"with the targets of shape {tuple(y.shape)} ({type(err).__name__}: "
            f"{str(err).splitlines()[0]}); check the model's last layer and the "
            "target shape and dtype (class indices must be int64; a regression "
            "output of shape (B, 1) needs targets of shape (B, 1))"
        ) from err


def _run_epoch(
    model: nn.Module,
    batches: Iterable[Batch],
    loss_fn: Callable,
    device: torch.device,
    metrics: Mapping[str, MetricFn],
    mixed_precision: bool,
    optimizer: torch.optim.Optimizer | None = None,
    scaler: torch.amp.GradScaler | None = None,
    grad_clip: float | None = None,
) -> tuple[float, dict[str, float]]:
    """One pass over ``batches``; trains when ``optimizer`` is given."""
    training = optimizer is not None
    model.train(training)
    total, count = 0.0, 0
    sums = dict.fromkeys(metrics, 0.0)
    with torch.set_grad_enabled(training):
        for x, y in batches:
            x, y = x.to(device), y.to(device)
            with _autocast(device, mixed_precision):
                out = model(x)
                loss = _loss(loss_fn, out, y)
            if training:
                optimizer.zero_grad(set_to_none=True)
                scaler.scale(loss).backward()
                if grad_clip is not None:
                    scaler.unscale_(optimizer)
                    nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
                scaler.step(optimizer)
                scaler.update()
            n = len(x)
            total += float(loss.detach()) * n
            count += n
            with torch.no_grad():
                for name, fn in metrics.items():
                    sums[name] += float(fn(out.detach().float(), y)) * n
    if count == 0:
        raise ValueError("the data loader yielded no batches; is the data set empty?")
    return total / count, {name: s / count for name, s in sums.items()}


def evaluate(
    model: nn.Module,
    loader: Iterable[Batch],
    *,
    loss_fn: Callable,
    device: torch.device,
    metrics: Mapping[str, MetricFn] | None = None,
) -> dict[str, float]:
    """Mean loss and metrics of ``model`` over ``loader``, without gradients.

    Returns a dict with key ``"loss"`` and one key per metric.
    """
    loss, values = _run_epoch(model, loader, loss_fn, device, metrics or {}, False)
    return {"loss": loss, **values}


def train(
    model: nn.Module,
    train_loader: Iterable[Batch],
    *,
    loss_fn: Callable,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    device: torch.device,
    val_loader: Iterable[Batch] | None = None,
    metrics: Mapping[str, MetricFn] | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    mixed_precision: bool = True,
    grad_clip: float | None = None,
    progress: bool = True,
    desc: str = "training",
) -> History:
    """Train ``model`` for ``epochs`` epochs and return its ``History``.

    Each epoch: one pass of gradient steps over ``train_loader``, then (if given) an
    evaluation pass over ``val_loader``; ``scheduler.step()`` runs once per epoch.
    On CUDA with ``mixed_precision=True`` the forward pass runs under autocast
    (bfloat16 where supported, else float16 with gradient scaling); on CPU and MPS
    everything stays float32.

    Example:
        >>> history = train(model, loader, loss_fn=nn.CrossEntropyLoss(),
        ...                 optimizer=opt, epochs=5, device=get_device(),
        ...                 metrics={"accuracy": accuracy})  # doctest: +SKIP

    Raises:
        TypeError: if ``model`` is not an ``nn.Module``.
        ValueError: for ``epochs`` < 1, or when the model output and the targets do
            not fit ``loss_fn`` (the message gives both shapes).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int; got {epochs!r}")
    metrics = dict(metrics or {})
    device = torch.device(device)
    model.to(device)
    use_scaler = mixed_precision and device.type == "cuda"
    use_scaler = use_scaler and not torch.cuda.is_bf16_supported()
    scaler = torch.amp.GradScaler("cuda", enabled=use_scaler)
    history = History(
        train_metrics={k: [] for k in metrics},
        val_metrics={k: [] for k in metrics} if val_loader is not None else {},
    )
    bar = tqdm(range(epochs), desc=desc, disable=not progress, unit="epoch")
    for _ in bar:
        start = time.perf_counter()
        loss, values = _run_epoch(
            model, train_loader, loss_fn, device, metrics, mixed_precision,
            optimizer, scaler, grad_clip,
        )  # fmt: skip
        history.train_loss.append(loss)
        for k, v in values.items():
            history.train_metrics[k].append(v)
        postfix = {"loss": f"{loss:.4f}"}
        if val_loader is not None:
            val_loss, val_values = _run_epoch(
                model, val_loader, loss_fn, device, metrics, mixed_precision
            )
            history.val_loss.append(val_loss)
            for k, v in val_values.items():
                history.val_metrics[k].append(v)
            postfix["val_loss"] = f"{val_loss:.4f}"
            postfix.update({f"val_{k}": f"{v:.4f}" for k, v in val_values.items()})
        if scheduler is not None:
            scheduler.step()
        history.epoch_seconds.append(time.perf_counter() - start)
        bar.set_postfix(postfix)
    return history
