from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
import torch.nn.functional as F

from tutorial_utils.number_words import CHINESE_VOCAB, ENGLISH_VOCAB, encode_numbers
from tutorial_utils.seq2seq import Seq2Seq

V_SRC, V_TGT = len(ENGLISH_VOCAB), len(CHINESE_VOCAB)


def small_model(cell: str = "gru", seed: int = 0) -> Seq2Seq:
    torch.manual_seed(seed)
    return Seq2Seq(V_SRC, V_TGT, d_embed=8, d_hidden=12, cell=cell).double()


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_padding_does_not_change_the_result(cell: str) -> None:
    model = small_model(cell)
    pairs = encode_numbers([7, 4005, 99999, 110])
    padded = F.pad(pairs.src, (0, 3))  # three more pad columns
    outputs, c = model.encode(pairs.src)
    outputs_p, c_p = model.encode(padded)
    torch.testing.assert_close(c, c_p)
    torch.testing.assert_close(outputs_p[:, : pairs.src.shape[1]], outputs)
    assert (outputs_p[:, pairs.src.shape[1] :] == 0).all()
    # c is each row's last state, as if the row were encoded alone
    for i, (row, length) in enumerate(
        zip(pairs.src, pairs.source_lengths(), strict=True)
    ):
        alone = model.encoder(model.src_embed(row[None, :length]))[1][0, 0]
        torch.testing.assert_close(alone, c[i])
    logits = model(pairs.src, pairs.tgt[:, :-1])
    torch.testing.assert_close(logits, model(padded, pairs.tgt[:, :-1]))
    assert logits.shape == (4, pairs.tgt.shape[1] - 1, V_TGT)


def test_rnn_decoder_follows_the_formula() -> None:
    """s_t = tanh(W_ss s_{t-1} + W_ys y_{t-1} + W_cs c + b_s), s_0 from c."""
    model = small_model("rnn")
    pairs = encode_numbers([12, 305, 4005])
    tgt_in = pairs.tgt[:, :-1]
    _, c = model.encode(pairs.src)
    d_embed = model.tgt_embed.embedding_dim
    W_ih, W_ss = model.decoder.weight_ih_l0, model.decoder.weight_hh_l0
    W_ys, W_cs = W_ih[:, :d_embed], W_ih[:, d_embed:]
    b_s = model.decoder.bias_ih_l0 + model.decoder.bias_hh_l0
    s = torch.tanh(c @ model.bridge.weight.T + model.bridge.bias)
    logits = []
    for t in range(tgt_in.shape[1]):
        y_prev = model.tgt_embed(tgt_in[:, t])
        s = torch.tanh(s @ W_ss.T + y_prev @ W_ys.T + c @ W_cs.T + b_s)
        logits.append(s @ model.out.weight.T + model.out.bias)
    torch.testing.assert_close(torch.stack(logits, 1), model(pairs.src, tgt_in))


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_greedy_decode_feeds_back_its_own_argmax(cell: str) -> None:
    model = small_model(cell, seed=3)
    src = encode_numbers([1, 23, 456, 7890, 12345]).src
    tokens, probs = model.greedy_decode(src, bos_id=1, eos_id=2, max_len=9)
    assert tokens.shape == probs.shape and tokens.shape[1] <= 9
    # teacher-forcing the model on its own output reproduces every choice
    tgt_in = torch.cat([torch.ones(len(src), 1, dtype=torch.int64), tokens[:, :-1]], 1)
    p = model(src, tgt_in).softmax(-1)  # (B, L, V)
    for b in range(len(src)):
        ended = (tokens[b] == 2).nonzero()
        stop = int(ended[0]) + 1 if len(ended) else tokens.shape[1]
        assert torch.equal(p[b, :stop].argmax(-1), tokens[b, :stop])
        torch.testing.assert_close(p[b, :stop].amax(-1), probs[b, :stop])
        assert (tokens[b, stop:] == 0).all() and (probs[b, stop:] == 0).all()


@pytest.fixture
def one_thread() -> Iterator[None]:
    """Tiny models train many times faster on one CPU thread than on a busy two."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_learns_a_few_numbers(one_thread: None) -> None:
    torch.manual_seed(0)
    model = Seq2Seq(V_SRC, V_TGT, d_embed=16, d_hidden=48)
    pairs = encode_numbers([3, 17, 40, 105, 999, 1001, 4005, 20000])
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(150):
        logits = model(pairs.src, pairs.tgt[:, :-1])
        loss = F.cross_entropy(logits.transpose(1, 2), pairs.tgt[:, 1:], ignore_index=0)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    tokens, _ = model.greedy_decode(pairs.src, bos_id=1, eos_id=2, max_len=8)
    decoded = ["".join(CHINESE_VOCAB.decode(row)) for row in tokens]
    assert decoded == [
        "三",
        "十七",
        "四十",
        "一百零五",
        "九百九十九",
        "一千零一",
        "四千零五",
        "二万",
    ]


def test_every_parameter_gets_a_gradient() -> None:
    model = small_model()
    pairs = encode_numbers([5, 60, 700])
    model(pairs.src, pairs.tgt[:, :-1]).sum().backward()
    for name, parameter in model.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"cell": "lstm"}, ValueError, "cell must be 'gru' or 'rnn'; got 'lstm'"),
        ({"cell": 3}, TypeError, "cell must be a str"),
        ({"d_hidden": 0}, ValueError, "d_hidden must be at least 1; got 0"),
        ({"d_embed": 2.0}, TypeError, "d_embed must be an int; got float 2.0"),
        ({"pad_id": 40}, ValueError, "pad_id must be at most 16; got 40"),
    ],
)
def test_constructor_errors(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        Seq2Seq(V_SRC, V_TGT, **kwargs)


def test_input_errors() -> None:
    model = small_model()
    with pytest.raises(TypeError, match=r"src must be an int64 tensor \(B, T\)"):
        model.encode(torch.zeros(2, 3))
    with pytest.raises(TypeError, match=r"src must be an int64 tensor \(B, T\)"):
        model.encode(torch.tensor([4, 5]))
    with pytest.raises(ValueError, match=r"src must hold ids in \[0, 35\); got"):
        model.encode(torch.tensor([[4, 99]]))
    with pytest.raises(ValueError, match="at least one token in every row"):
        model.encode(torch.tensor([[4, 5], [0, 0]]))
    with pytest.raises(ValueError, match=r"y_prev must hold ids in \[0, 17\)"):
        model(torch.tensor([[4]]), torch.tensor([[1, 30]]))
    with pytest.raises(ValueError, match="max_len must be at least 1; got 0"):
        model.greedy_decode(torch.tensor([[4]]), bos_id=1, eos_id=2, max_len=0)
    with pytest.raises(ValueError, match="eos_id must be at most 16; got 17"):
        model.greedy_decode(torch.tensor([[4]]), bos_id=1, eos_id=17, max_len=3)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_same_result_on_gpu() -> None:
    model = small_model().float()
    src = encode_numbers([12, 4005, 99999]).src
    tgt_in = encode_numbers([12, 4005, 99999]).tgt[:, :-1]
    expected = model(src, tgt_in)
    torch.testing.assert_close(
        model.cuda()(src.cuda(), tgt_in.cuda()).cpu(), expected, rtol=1e-4, atol=1e-4
    )
