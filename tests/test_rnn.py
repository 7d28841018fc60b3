from __future__ import annotations

from typing import Any

import pytest
import torch

from tutorial_utils.rnn import next_token_windows, sample_text
from tutorial_utils.text import CharCorpus, load_char_corpus


def test_windows_are_the_text_shifted_by_one() -> None:
    ids = torch.arange(100, 123)
    X, Y = next_token_windows(ids, 5)
    assert X.shape == Y.shape == (4, 5) and X.dtype == torch.int64
    assert torch.equal(X.flatten(), ids[:20]) and torch.equal(Y.flatten(), ids[1:21])
    X2, Y2 = next_token_windows(ids, 5, stride=2)
    assert X2.shape == (9, 5)  # starts 0, 2, ..., 16; 18 + 5 would pass the end
    for k in range(len(X2)):
        assert torch.equal(X2[k], ids[2 * k : 2 * k + 5])
        assert torch.equal(Y2[k], ids[2 * k + 1 : 2 * k + 6])
    X3, Y3 = next_token_windows(ids.to(torch.int32), 22)  # exactly one window
    assert X3.shape == (1, 22) and X3.dtype == torch.int64
    assert torch.equal(Y3[0], ids[1:])


def test_windows_do_not_share_memory_with_the_text() -> None:
    ids = torch.arange(10)
    X, _ = next_token_windows(ids, 3)
    X[0, 0] = 99
    assert ids[0] == 0


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((torch.arange(5.0), 2), {}, TypeError, "ids must be an integer torch.Tensor"),
        (([0, 1, 2], 2), {}, TypeError, "ids must be an integer torch.Tensor"),
        ((torch.zeros(2, 5, dtype=torch.int64), 2), {}, ValueError, "ids must be 1-D"),
        ((torch.arange(5), 0), {}, ValueError, "seq_len must be at least 1"),
        ((torch.arange(5), 2.0), {}, TypeError, "seq_len must be an int"),
        ((torch.arange(5), 2), {"stride": 0}, ValueError, "stride must be at least 1"),
        ((torch.arange(5), 5), {}, ValueError, "at least seq_len \\+ 1 = 6 tokens"),
    ],
)
def test_window_errors(args: tuple, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        next_token_windows(*args, **kwargs)


@pytest.fixture(scope="module")
def corpus() -> CharCorpus:
    return load_char_corpus(max_chars=2000)


def table_model(logits: torch.Tensor) -> Any:
    """A bigram 'model': the logits of the next token depend on the last token only."""

    def step(ids: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        calls = 0 if state is None else state
        if calls > 0:
            assert ids.shape == (1, 1)  # after the prompt, one token at a time
        return logits[ids], calls + 1  # (1, t, V)

    return step


def test_low_temperature_is_greedy(corpus: CharCorpus) -> None:
    V = corpus.vocab_size
    successor = torch.roll(torch.arange(V), -1)  # the next id is id + 1 (mod V)
    logits = torch.full((V, V), -3.0)
    logits[torch.arange(V), successor] = 3.0
    prompt = corpus.decode([0])
    text = sample_text(table_model(logits), corpus, prompt, length=10, temperature=1e-3)
    assert text == corpus.decode(torch.arange(11) % V)


def test_samples_follow_softmax_over_temperature(corpus: CharCorpus) -> None:
    V = corpus.vocab_size
    row = torch.full((V,), -1e4)
    row[:3] = torch.tensor([0.0, 1.0, 2.0])
    logits = row.expand(V, V).clone()  # the same distribution after every token
    n = 4000
    for temperature in (0.5, 1.0, 2.0):
        text = sample_text(
            table_model(logits), corpus, corpus.decode([0]), length=n,
            temperature=temperature, seed=1,
        )  # fmt: skip
        counts = torch.bincount(corpus.encode(text[1:]), minlength=V)[:3]
        expected = torch.softmax(row[:3] / temperature, dim=0)
        torch.testing.assert_close(counts / n, expected, atol=0.03, rtol=0)


def test_seeded_and_prompt_kept(corpus: CharCorpus) -> None:
    logits = torch.zeros(corpus.vocab_size, corpus.vocab_size)
    step = table_model(logits)
    prompt = corpus.text[:7]
    a = sample_text(step, corpus, prompt, length=50, seed=3)
    b = sample_text(step, corpus, prompt, length=50, seed=3)
    c = sample_text(step, corpus, prompt, length=50, seed=4)
    assert a == b != c and a.startswith(prompt) and len(a) == 57
    assert sample_text(step, corpus, prompt, length=0) == prompt


def test_state_is_passed_back(corpus: CharCorpus) -> None:
    seen: list[Any] = []

    def step(ids: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        seen.append((ids.shape[1], state))
        logits = torch.zeros(1, ids.shape[1], corpus.vocab_size)
        return logits, len(seen)

    sample_text(step, corpus, corpus.text[:4], length=3)
    assert seen == [(4, None), (1, 1), (1, 2)]


def test_a_real_lstm_runs_on_the_device_given(corpus: CharCorpus) -> None:
    torch.manual_seed(0)
    V = corpus.vocab_size
    lstm, head = torch.nn.LSTM(V, 8, batch_first=True), torch.nn.Linear(8, V)

    def step(ids: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        assert ids.device.type == "cpu"
        out, state = lstm(torch.nn.functional.one_hot(ids, V).float(), state)
        return head(out), state

    text = sample_text(step, corpus, "The ", length=20, device="cpu")
    assert len(text) == 24 and set(text) <= set(corpus.vocab)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"prompt": ""}, ValueError, "prompt must hold at least one character"),
        ({"prompt": "\u4e2d"}, ValueError, "never occur in the training text"),
        ({"prompt": 3}, TypeError, "prompt must be a str; got int 3"),
        ({"length": -1}, ValueError, "length must be at least 0"),
        ({"length": 2.0}, TypeError, "length must be an int"),
        ({"temperature": 0.0}, ValueError, "temperature must be positive"),
        ({"temperature": float("nan")}, ValueError, "temperature must be a finite"),
        ({"temperature": True}, TypeError, "temperature must be a real number"),
        ({"seed": -1}, ValueError, "seed must be in"),
    ],
)
def test_sample_errors(
    corpus: CharCorpus, kwargs: dict, error: type, message: str
) -> None:
    step = table_model(torch.zeros(corpus.vocab_size, corpus.vocab_size))
    arguments = {"prompt": "a", "length": 5, **kwargs}
    prompt = arguments.pop("prompt")
    with pytest.raises(error, match=message):
        sample_text(step, corpus, prompt, **arguments)


def test_sample_refuses_bad_step_and_corpus(corpus: CharCorpus) -> None:
    with pytest.raises(TypeError, match="step must be a function"):
        sample_text(None, corpus, "a", length=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="corpus must be a CharCorpus"):
        sample_text(lambda i, s: (i, s), "abc", "a", length=1)  # type: ignore[arg-type]

    def wrong_shape(ids: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        return torch.zeros(ids.shape[1], corpus.vocab_size), state

    with pytest.raises(ValueError, match=r"logits of shape \(1, 1, "):
        sample_text(wrong_shape, corpus, "a", length=1)
