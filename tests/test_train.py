from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

import tutorial_utils.train as train_module
from tutorial_utils.data import make_loader
from tutorial_utils.seed import set_seed
from tutorial_utils.train import (
    History,
    TrainingDiverged,
    accuracy,
    evaluate,
    train,
)

CPU = torch.device("cpu")


def blobs(n: int = 400) -> tuple[torch.Tensor, torch.Tensor]:
    """Two well separated Gaussian blobs: any working loop must fit them."""
    g = torch.Generator().manual_seed(0)
    y = torch.randint(0, 2, (n,), generator=g)
    X = torch.randn(n, 2, generator=g) + 3.0 * (2 * y[:, None] - 1)
    return X, y


def badly_scaled_regression() -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs of scale 10: the MSE Hessian is ~200 I, so lr 0.02 overshoots 4x."""
    g = torch.Generator().manual_seed(0)
    X = 10.0 * torch.randn(256, 4, generator=g)
    return X, X @ torch.tensor([1.0, -2.0, 0.5, 3.0]) + 1.0


def classifier_run(**overrides: Any) -> dict[str, Any]:
    """Model, loader and keyword arguments of a small valid train() call."""
    X, y = blobs(16)
    model = nn.Linear(2, 2)
    kwargs = dict(
        loss_fn=nn.CrossEntropyLoss(), device=CPU, epochs=1, progress=False,
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
    )  # fmt: skip
    loader = make_loader(X, y, batch_size=8)
    return dict(model=model, train_loader=loader, **kwargs) | overrides


# --- good paths -------------------------------------------------------------------


def test_training_diverged_is_a_public_value_error() -> None:
    assert issubclass(TrainingDiverged, ValueError)
    assert "TrainingDiverged" in train_module.__all__


def test_accuracy() -> None:
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]])
    torch.testing.assert_close(
        accuracy(logits, torch.tensor([0, 1, 1])), torch.tensor(2 / 3)
    )


def test_train_learns_and_records_history() -> None:
    set_seed(0)
    X, y = blobs()
    model = nn.Linear(2, 2)
    loader = make_loader(X[:300], y[:300], batch_size=32, shuffle=True)
    val = make_loader(X[300:], y[300:], batch_size=100)
    history = train(
        model, loader, loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1), epochs=5,
        device=CPU, val_loader=val, metrics={"accuracy": accuracy}, progress=False,
    )  # fmt: skip
    assert isinstance(history, History) and history.epochs == 5
    assert len(history.val_loss) == 5 and len(history.epoch_seconds) == 5
    assert len(history.train_metrics["accuracy"]) == 5
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.val_metrics["accuracy"][-1] > 0.97
    assert history.seconds == pytest.approx(sum(history.epoch_seconds))
    # evaluate() agrees with the last validation numbers of the history
    result = evaluate(
        model, val, loss_fn=nn.CrossEntropyLoss(), device=CPU,
        metrics={"accuracy": accuracy},
    )  # fmt: skip
    assert set(result) == {"loss", "accuracy"}
    assert result["loss"] == pytest.approx(history.val_loss[-1], rel=1e-6)
    assert result["accuracy"] == pytest.approx(history.val_metrics["accuracy"][-1])


def test_training_is_reproducible() -> None:
    def run() -> tuple[History, list[torch.Tensor]]:
        set_seed(0)
        X, y = blobs(64)
        model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
        history = train(
            model, make_loader(X, y, batch_size=16, shuffle=True, seed=0),
            loss_fn=nn.CrossEntropyLoss(), device="cpu", epochs=2, progress=False,
            optimizer=torch.optim.Adam(model.parameters(), lr=1e-2),
        )  # fmt: skip
        return history, [p.detach().clone() for p in model.parameters()]

    (first, first_params), (second, second_params) = run(), run()
    assert first.train_loss == second.train_loss
    for a, b in zip(first_params, second_params, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_loss_is_weighted_by_batch_size() -> None:
    X, y = torch.arange(5.0)[:, None], torch.zeros(5)
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(1.0)
        model.bias.fill_(0.0)

    def mse(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return ((out[:, 0] - target) ** 2).mean()

    result = evaluate(model, make_loader(X, y, batch_size=2), loss_fn=mse, device=CPU)
    assert result["loss"] == pytest.approx((0 + 1 + 4 + 9 + 16) / 5)


def test_empty_batches_do_not_poison_the_means() -> None:
    # a mean over zero examples is NaN, and NaN * 0 is still NaN
    X, y = blobs(7)
    batches = [(X[:3], y[:3]), (X[:0], y[:0]), (X[3:], y[3:])]
    model = nn.Linear(2, 2)
    loss_fn = nn.CrossEntropyLoss()
    full = evaluate(model, [(X, y)], loss_fn=loss_fn, device=CPU)["loss"]
    assert evaluate(model, batches, loss_fn=loss_fn, device=CPU)["loss"] == (
        pytest.approx(full, rel=1e-6)
    )
    # with lr 0 the model stays put: the training mean is the same mean over examples
    history = train(
        model, batches, loss_fn=loss_fn, device=CPU, epochs=1, progress=False,
        optimizer=torch.optim.SGD(model.parameters(), lr=0.0),
        metrics={"accuracy": accuracy},
    )  # fmt: skip
    assert history.train_loss[0] == pytest.approx(full, rel=1e-6)
    assert math.isfinite(history.train_metrics["accuracy"][0])


def test_scheduler_steps_once_per_epoch() -> None:
    run = classifier_run(epochs=2)
    run["scheduler"] = torch.optim.lr_scheduler.StepLR(
        run["optimizer"], step_size=1, gamma=0.5
    )
    train(**run)
    assert run["optimizer"].param_groups[0]["lr"] == pytest.approx(0.025)


def test_reduce_lr_on_plateau_gets_the_validation_loss() -> None:
    X, y = blobs(32)
    run = classifier_run(epochs=3, val_loader=make_loader(X, y, batch_size=16))
    # lr so small that the validation loss stays on a plateau
    run["optimizer"] = torch.optim.SGD(run["model"].parameters(), lr=1e-6)
    run["scheduler"] = torch.optim.lr_scheduler.ReduceLROnPlateau(
        run["optimizer"], factor=0.5, patience=0, eps=0.0
    )
    history = train(**run)
    assert run["scheduler"].best == pytest.approx(history.val_loss[0])
    assert run["optimizer"].param_groups[0]["lr"] == pytest.approx(0.25e-6)


def test_progress_bar_shows_desc_and_losses(capsys: pytest.CaptureFixture) -> None:
    X, y = blobs(32)
    val = make_loader(X, y, batch_size=16)
    train(**classifier_run(progress=True, desc="blob run", val_loader=val))
    err = capsys.readouterr().err
    assert "blob run" in err and "loss=" in err and "val_loss=" in err


def test_mixed_precision_changes_nothing_on_cpu() -> None:
    losses = []
    for mixed_precision in (False, True):
        set_seed(0)
        losses.append(train(**classifier_run(mixed_precision=mixed_precision)))
    assert losses[0].train_loss == losses[1].train_loss


# --- divergence and gradient clipping ----------------------------------------------


def test_nan_loss_stops_training_at_once() -> None:
    X, y = blobs(32)
    calls = []

    def loss_fn(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        calls.append(1)
        loss = nn.functional.cross_entropy(out, target)
        return loss * math.nan if len(calls) == 6 else loss

    run = classifier_run(epochs=3, loss_fn=loss_fn)
    run["train_loader"] = make_loader(X, y, batch_size=8)  # 4 steps per epoch
    with pytest.raises(
        TrainingDiverged, match=r"loss is nan at epoch 2, step 2; .*smaller learning "
        r"rate.*grad_clip"
    ):  # fmt: skip
        train(**run)
    assert len(calls) == 6  # not one forward pass more
    assert all(torch.isfinite(p).all() for p in run["model"].parameters())


def test_grad_clip_tames_a_run_that_diverges_without_it() -> None:
    """lr 0.02 on inputs of scale 10 overshoots; capped steps still converge."""
    X, y = badly_scaled_regression()

    def fit(grad_clip: float | None) -> History:
        set_seed(0)
        model = nn.Sequential(nn.Linear(4, 1), nn.Flatten(0))  # (B, 4) -> (B,)
        return train(
            model, make_loader(X, y, batch_size=32, shuffle=True), loss_fn=nn.MSELoss(),
            optimizer=torch.optim.SGD(model.parameters(), lr=0.02), epochs=10,
            device=CPU, grad_clip=grad_clip, progress=False,
        )  # fmt: skip

    with pytest.raises(TrainingDiverged, match=r"loss is inf at epoch \d+, step \d+"):
        fit(grad_clip=None)
    history = fit(grad_clip=5.0)
    assert all(math.isfinite(loss) for loss in history.train_loss)
    assert history.train_loss[-1] < 0.01 * history.train_loss[0]


# --- bad arguments: rejected before any work ---------------------------------------


class SpyModel(nn.Linear):
    """A linear layer that records whether train() moved it."""

    moved = False

    def to(self, *args: Any, **kwargs: Any) -> SpyModel:
        self.moved = True
        return super().to(*args, **kwargs)


class SpyLoader:
    """A re-iterable of batches that records whether anyone iterated it."""

    def __init__(self, batches: list) -> None:
        self.batches, self.iterated = batches, False

    def __iter__(self) -> Iterator:
        self.iterated = True
        return iter(self.batches)


X16, Y16 = blobs(16)
OTHER = nn.Linear(2, 2)
BAD_TRAIN_ARGUMENTS: list[tuple[str, Callable[[dict], Any], type, str]] = [
    ("model", lambda run: (lambda x: x), TypeError,
     "model must be a torch.nn.Module; got function"),
    ("train_loader", lambda run: X16, TypeError,
     r"train_loader must be a DataLoader of \(x, y\) batches \(use make_loader"),
    ("train_loader", lambda run: torch.utils.data.TensorDataset(X16, Y16), TypeError,
     "train_loader must be a DataLoader.*got TensorDataset"),
    ("train_loader", lambda run: (batch for batch in [(X16, Y16)]), TypeError,
     "train_loader must be a DataLoader.*got generator"),
    ("train_loader", lambda run: 5, TypeError, "train_loader must be a DataLoader"),
    ("train_loader", lambda run: [], ValueError,
     "train_loader holds no batches; is the data set empty"),
    ("train_loader", lambda run: make_loader(X16[:0], Y16[:0], batch_size=4),
     ValueError, "train_loader holds no batches"),
    ("val_loader", lambda run: X16, TypeError, "val_loader must be a DataLoader"),
    ("val_loader", lambda run: [], ValueError, "val_loader holds no batches"),
    ("loss_fn", lambda run: "cross_entropy", TypeError,
     r"loss_fn must be a function or an object such as nn.MSELoss\(\); got str"),
    ("loss_fn", lambda run: nn.CrossEntropyLoss, TypeError,
     r"loss_fn must be a function or an object such as nn.MSELoss\(\)"),
    ("loss_fn", lambda run: None, TypeError, "loss_fn must be a function"),
    ("optimizer", lambda run: None, TypeError,
     "optimizer must be a torch.optim.Optimizer; got None"),
    ("optimizer", lambda run: run["model"].parameters(), TypeError,
     "optimizer must be a torch.optim.Optimizer; got generator"),
    ("optimizer", lambda run: torch.optim.SGD(OTHER.parameters(), lr=0.1), ValueError,
     "optimizer must hold the model's parameters.*another model"),
    ("epochs", lambda run: 0, ValueError, "epochs must be at least 1; got 0"),
    ("epochs", lambda run: 2.0, TypeError, "epochs must be an int; got float 2.0"),
    ("epochs", lambda run: True, TypeError, "epochs must be an int; got bool True"),
    ("device", lambda run: None, TypeError, "device must be a torch.device or a"),
    ("device", lambda run: 0, TypeError, "device must be a torch.device or a"),
    ("device", lambda run: "gpu", ValueError, "device must be one of cpu, cuda, mps"),
    ("metrics", lambda run: [accuracy], TypeError,
     "metrics must be a dict of name -> function such as {'acc': accuracy}; got list"),
    ("metrics", lambda run: {"accuracy": 0.5}, TypeError, "metrics must be a dict"),
    ("metrics", lambda run: {0: accuracy}, TypeError, "metrics must be a dict"),
    ("scheduler", lambda run: "cosine", TypeError,
     "scheduler must be a torch.optim.lr_scheduler scheduler; got str 'cosine'"),
    ("scheduler", lambda run: run["optimizer"], TypeError,
     "scheduler must be a torch.optim.lr_scheduler scheduler; got SGD"),
    ("scheduler",
     lambda run: torch.optim.lr_scheduler.ReduceLROnPlateau(run["optimizer"]),
     ValueError, "ReduceLROnPlateau steps on the validation loss.*val_loader"),
    ("grad_clip", lambda run: 0, ValueError, "grad_clip must be a positive number"),
    ("grad_clip", lambda run: -1.0, ValueError,
     "grad_clip must be a positive number; got -1.0"),
    ("grad_clip", lambda run: math.nan, ValueError, "grad_clip must be .*; got nan"),
    ("grad_clip", lambda run: math.inf, ValueError, "grad_clip must be .*; got inf"),
    ("grad_clip", lambda run: "1.0", TypeError, "grad_clip must be .*; got str"),
    ("grad_clip", lambda run: True, TypeError, "grad_clip must be .*; got bool"),
    ("mixed_precision", lambda run: "yes", TypeError,
     "mixed_precision must be True or False"),
    ("progress", lambda run: 1, TypeError, "progress must be True or False"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("argument", "make_bad", "error", "match"),
    BAD_TRAIN_ARGUMENTS,
    ids=[f"{case[0]}-{i}" for i, case in enumerate(BAD_TRAIN_ARGUMENTS)],
)
def test_train_rejects_bad_arguments_before_any_work(
    argument: str, make_bad: Callable[[dict], Any], error: type, match: str
) -> None:
    model = SpyModel(2, 2)
    loader = SpyLoader([(X16[:8], Y16[:8]), (X16[8:], Y16[8:])])
    run = classifier_run(train_loader=loader)
    run["model"] = model
    run["optimizer"] = torch.optim.SGD(model.parameters(), lr=0.1)
    run[argument] = make_bad(run)
    with pytest.raises(error, match=match):
        train(**run)
    assert not model.moved and not loader.iterated


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_train_rejects_a_device_this_machine_lacks() -> None:
    with pytest.raises(ValueError, match="CUDA is not available here"):
        train(**classifier_run(device="cuda"))


@pytest.mark.parametrize(
    ("batches", "match"),
    [
        ([(X16,)], r"\(x, y\) pairs of tensors of equal length; got \["),
        ([(X16, Y16, Y16)], r"pairs of tensors of equal length; got \["),
        ([X16], "pairs of tensors of equal length; got Tensor"),
        ([(X16.numpy(), Y16.numpy())], r"got \['ndarray"),
        ([(X16, Y16[:3])], r"equal length; got \[.*\(16, 2\).*\(3,\)"),
        ([(X16[0], Y16[0])], r"equal length; got \[.*shape \(2,\).*holding"),
    ],
)
def test_a_batch_that_is_not_an_x_y_pair_is_named(batches: list, match: str) -> None:
    with pytest.raises(TypeError, match="train_loader must yield .*" + match):
        train(**classifier_run(train_loader=batches))
    with pytest.raises(TypeError, match="^loader must yield .*" + match):
        evaluate(nn.Linear(2, 2), batches, loss_fn=nn.CrossEntropyLoss(), device=CPU)


def test_broadcasting_regression_loss_is_refused() -> None:
    X, y = torch.randn(8, 3), torch.randn(8)  # targets (B,) but output (B, 1)
    model = nn.Linear(3, 1)
    with pytest.raises(ValueError, match=r"output of shape \(8, 1\).*\(8,\)"):
        train(
            model, make_loader(X, y, batch_size=8), loss_fn=nn.MSELoss(),
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1), epochs=1,
            device=CPU, progress=False,
        )  # fmt: skip


def test_output_that_does_not_fit_the_loss_gives_both_shapes() -> None:
    run = classifier_run(loss_fn=nn.MSELoss())  # (8, 2) logits vs (8,) class ids
    with pytest.raises(ValueError, match=r"model output of shape \(8, 2\).*\(8,\)"):
        train(**run)


def test_a_loss_that_is_not_a_scalar_is_refused() -> None:
    run = classifier_run(loss_fn=nn.CrossEntropyLoss(reduction="none"))
    with pytest.raises(ValueError, match=r"loss_fn must return a scalar; got .*\(8,\)"):
        train(**run)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(model=lambda x: x), TypeError, "model must be a torch.nn.Module"),
        (dict(loader=X16), TypeError, r"loader must be a DataLoader.*make_loader"),
        (dict(loader=[]), ValueError, "loader holds no batches; is the data set empty"),
        (dict(loader=[(X16[:0], Y16[:0])]), ValueError,
         "loader yielded no examples; is the data set empty"),
        (dict(loss_fn="mse"), TypeError, "loss_fn must be a function"),
        (dict(device="cpus"), ValueError, "device must be one of cpu, cuda, mps"),
        (dict(device=b"cpu"), TypeError, "device must be a torch.device"),
        (dict(metrics=("accuracy", accuracy)), TypeError, "metrics must be a dict"),
    ],
)  # fmt: skip
def test_evaluate_rejects_bad_arguments(kwargs: dict, error: type, match: str) -> None:
    args = dict(model=nn.Linear(2, 2), loader=[(X16, Y16)], device=CPU,
                loss_fn=nn.CrossEntropyLoss()) | kwargs  # fmt: skip
    with pytest.raises(error, match=match):
        evaluate(args.pop("model"), args.pop("loader"), **args)


@pytest.mark.parametrize(
    ("logits", "y", "error", "match"),
    [
        ([[0.1, 0.9]], torch.tensor([1]), TypeError,
         "logits must be a torch.Tensor; got list"),
        (torch.zeros(1, 2), np.array([1]), TypeError,
         "y must be a torch.Tensor; got ndarray"),
        (torch.zeros(3, 2), torch.tensor([0, 1]), ValueError,
         r"logits must have shape y.shape \+ \(num_classes,\); got logits \(3, 2\) "
         r"and y \(2,\)"),
        (torch.tensor(1.0), torch.tensor(1), ValueError, "logits must have shape"),
    ],
)  # fmt: skip
def test_accuracy_rejects_bad_arguments(
    logits: Any, y: Any, error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        accuracy(logits, y)


# --- GPU ---------------------------------------------------------------------------


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("bf16", [True, False])
def test_mixed_precision_on_cuda(bf16: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """bfloat16 autocast on a GPU with bf16 tensor cores (compute capability 8.0+);
    float16 with a GradScaler on older ones, although is_bf16_supported() says True
    there (a T4: 7.5, bfloat16 emulated)."""
    if bf16 and not torch.cuda.is_bf16_supported():
        pytest.skip("this GPU cannot run bfloat16 at all")
    capability = (8, 0) if bf16 else (7, 5)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda *a: capability)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kw: True)
    set_seed(0)
    X, y = blobs()
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 2))
    dtypes = []
    model[-1].register_forward_hook(lambda module, args, out: dtypes.append(out.dtype))
    history = train(
        model, make_loader(X, y, batch_size=64), loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.Adam(model.parameters(), lr=1e-2), epochs=3,
        device=torch.device("cuda"), metrics={"accuracy": accuracy}, progress=False,
        mixed_precision=True, grad_clip=1.0,
    )  # fmt: skip
    assert next(model.parameters()).device.type == "cuda"
    assert next(model.parameters()).dtype == torch.float32  # master weights stay fp32
    assert set(dtypes) == {torch.bfloat16 if bf16 else torch.float16}
    assert history.train_metrics["accuracy"][-1] > 0.97
    dtypes.clear()
    train(
        model, make_loader(X, y, batch_size=64), loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.Adam(model.parameters(), lr=1e-2), epochs=1,
        device="cuda", progress=False,
    )  # fmt: skip
    assert set(dtypes) == {torch.float32}  # mixed precision is opt-in
