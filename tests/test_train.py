from __future__ import annotations

import pytest
import torch
from torch import nn

from tutorial_utils.seed import set_seed
from tutorial_utils.train import History, accuracy, evaluate, make_loader, train


def blobs(n: int = 400) -> tuple[torch.Tensor, torch.Tensor]:
    """Two well separated Gaussian blobs: any working loop must fit them."""
    g = torch.Generator().manual_seed(0)
    y = torch.randint(0, 2, (n,), generator=g)
    X = torch.randn(n, 2, generator=g) + 3.0 * (2 * y[:, None] - 1)
    return X, y


def test_accuracy() -> None:
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]])
    torch.testing.assert_close(
        accuracy(logits, torch.tensor([0, 1, 1])), torch.tensor(2 / 3)
    )
    with pytest.raises(ValueError, match=r"logits must have shape y.shape \+"):
        accuracy(logits, torch.tensor([0, 1]))


def test_make_loader() -> None:
    X, y = blobs(10)
    loader = make_loader(X, y, batch_size=4, shuffle=True, seed=1)
    first = [b[1].tolist() for b in loader]
    again = [
        b[1].tolist() for b in make_loader(X, y, batch_size=4, shuffle=True, seed=1)
    ]
    assert first == again and [len(b) for b in first] == [4, 4, 2]
    with pytest.raises(ValueError, match="same length; got 10 and 9"):
        make_loader(X, y[:9], batch_size=4)
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        make_loader(X, y, batch_size=0)


def test_train_learns_and_records_history() -> None:
    set_seed(0)
    X, y = blobs()
    model = nn.Linear(2, 2)
    loader = make_loader(X[:300], y[:300], batch_size=32, shuffle=True)
    val = make_loader(X[300:], y[300:], batch_size=100)
    history = train(
        model, loader, loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1), epochs=5,
        device=torch.device("cpu"), val_loader=val, metrics={"accuracy": accuracy},
        progress=False,
    )  # fmt: skip
    assert isinstance(history, History) and history.epochs == 5
    assert len(history.val_loss) == 5 and len(history.epoch_seconds) == 5
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.val_metrics["accuracy"][-1] > 0.97
    assert history.seconds == pytest.approx(sum(history.epoch_seconds))
    # evaluate() agrees with the last validation numbers of the history
    result = evaluate(
        model, val, loss_fn=nn.CrossEntropyLoss(), device=torch.device("cpu"),
        metrics={"accuracy": accuracy},
    )  # fmt: skip
    assert result["loss"] == pytest.approx(history.val_loss[-1], rel=1e-5)
    assert result["accuracy"] == pytest.approx(history.val_metrics["accuracy"][-1])


def test_loss_is_weighted_by_batch_size() -> None:
    X, y = torch.arange(5.0)[:, None], torch.zeros(5)
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(1.0)
        model.bias.fill_(0.0)

    def mse(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return ((out[:, 0] - target) ** 2).mean()

    result = evaluate(
        model, make_loader(X, y, batch_size=2), loss_fn=mse, device=torch.device("cpu")
    )
    assert result["loss"] == pytest.approx((0 + 1 + 4 + 9 + 16) / 5)


def test_scheduler_and_grad_clip_run() -> None:
    X, y = blobs(64)
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    train(
        model, make_loader(X, y, batch_size=16), loss_fn=nn.CrossEntropyLoss(),
        optimizer=opt, epochs=2, device=torch.device("cpu"), scheduler=sched,
        grad_clip=1.0, progress=False,
    )  # fmt: skip
    assert opt.param_groups[0]["lr"] == pytest.approx(0.025)


def test_broadcasting_regression_loss_is_refused() -> None:
    X, y = torch.randn(8, 3), torch.randn(8)  # targets (B,) but output (B, 1)
    model = nn.Linear(3, 1)
    with pytest.raises(ValueError, match=r"output of shape \(8, 1\).*\(8,\)"):
        train(
            model, make_loader(X, y, batch_size=8), loss_fn=nn.MSELoss(),
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1), epochs=1,
            device=torch.device("cpu"), progress=False,
        )  # fmt: skip


def test_clear_errors() -> None:
    X, y = blobs(16)
    loader = make_loader(X, y, batch_size=8)
    model = nn.Linear(2, 3)
    kwargs = dict(
        loss_fn=nn.MSELoss(), optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        device=torch.device("cpu"), progress=False,
    )  # fmt: skip
    with pytest.raises(ValueError, match=r"model output of shape \(8, 3\).*\(8,\)"):
        train(model, loader, epochs=1, **kwargs)
    with pytest.raises(ValueError, match="epochs must be a positive int; got 0"):
        train(model, loader, epochs=0, **kwargs)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        train(lambda x: x, loader, epochs=1, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="yielded no batches"):
        train(model, [], epochs=1, **kwargs)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_mixed_precision_on_cuda() -> None:
    set_seed(0)
    X, y = blobs()
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 2))
    history = train(
        model, make_loader(X, y, batch_size=64), loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.Adam(model.parameters(), lr=1e-2), epochs=3,
        device=torch.device("cuda"), metrics={"accuracy": accuracy}, progress=False,
    )  # fmt: skip
    assert next(model.parameters()).device.type == "cuda"
    assert next(model.parameters()).dtype == torch.float32  # master weights stay fp32
    assert history.train_metrics["accuracy"][-1] > 0.97
