from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from tutorial_utils.attention import AttentionSeq2Seq
from tutorial_utils.number_words import CHINESE_VOCAB, ENGLISH_VOCAB, encode_numbers

V_SRC, V_TGT = len(ENGLISH_VOCAB), len(CHINESE_VOCAB)


def small_model(score: str = "additive", seed: int = 0) -> AttentionSeq2Seq:
    torch.manual_seed(seed)
    return AttentionSeq2Seq(V_SRC, V_TGT, d_embed=8, d_hidden=12, score=score).double()


@pytest.mark.parametrize("score", ["additive", "dot"])
def test_weights_are_a_distribution_over_real_tokens(score: str) -> None:
    model = small_model(score)
    pairs = encode_numbers([7, 4005, 99999, 110])
    logits, alpha = model.forward_with_attention(pairs.src, pairs.tgt[:, :-1])
    assert logits.shape == (4, pairs.tgt.shape[1] - 1, V_TGT)
    assert alpha.shape == (4, pairs.tgt.shape[1] - 1, pairs.src.shape[1])
    torch.testing.assert_close(alpha.sum(-1), torch.ones_like(alpha[..., 0]))
    pad = (pairs.src == 0)[:, None].expand_as(alpha)
    assert (alpha[pad] == 0).all()


@pytest.mark.parametrize("score", ["additive", "dot"])
def test_padding_does_not_change_the_result(score: str) -> None:
    model = small_model(score)
    pairs = encode_numbers([7, 4005, 99999])
    padded = F.pad(pairs.src, (0, 3))
    tgt_in = pairs.tgt[:, :-1]
    torch.testing.assert_close(model(pairs.src, tgt_in), model(padded, tgt_in))


def test_attend_matches_the_formula() -> None:
    model = small_model("additive")
    s, H = torch.randn(2, 12).double(), torch.randn(2, 5, 12).double()
    mask = torch.ones(2, 5, dtype=torch.bool)
    c, alpha = model.attend(s, H, mask)
    e = torch.stack(
        [
            torch.stack(
                [
                    model.u.weight[0]
                    @ torch.tanh(
                        model.W_s.weight @ s[b]
                        + model.W_h.weight @ H[b, j]
                        + model.W_h.bias
                    )
                    for j in range(5)
                ]
            )
            for b in range(2)
        ]
    )
    torch.testing.assert_close(alpha, e.softmax(-1))
    torch.testing.assert_close(c, torch.einsum("bj,bjd->bd", alpha, H))
    dot = small_model("dot")
    c, alpha = dot.attend(s, H, mask)
    e = torch.einsum("bd,bjd->bj", s, H) / 12**0.5
    torch.testing.assert_close(alpha, e.softmax(-1))


def test_greedy_decode_agrees_with_teacher_forcing() -> None:
    model = small_model()
    pairs = encode_numbers([12, 345])
    tokens, probs = model.greedy_decode(
        pairs.src, bos_id=CHINESE_VOCAB.bos_id, eos_id=CHINESE_VOCAB.eos_id,
        max_len=6,
    )  # fmt: skip
    tgt_in = torch.cat([torch.full((2, 1), CHINESE_VOCAB.bos_id), tokens[:, :-1]], 1)
    logits = model(pairs.src, tgt_in)
    first = logits[:, 0].softmax(-1).max(-1)
    assert torch.equal(first.indices, tokens[:, 0])
    torch.testing.assert_close(first.values, probs[:, 0])


def test_bad_input_raises() -> None:
    with pytest.raises(ValueError, match="score"):
        AttentionSeq2Seq(V_SRC, V_TGT, score="cosine")
    with pytest.raises(TypeError, match="score"):
        AttentionSeq2Seq(V_SRC, V_TGT, score=3)
    with pytest.raises(ValueError, match="d_attn"):
        AttentionSeq2Seq(V_SRC, V_TGT, d_attn=0)
    model = small_model()
    with pytest.raises(ValueError, match="batch size"):
        model(torch.tensor([[4, 5]]), torch.tensor([[1], [1]]))
    with pytest.raises(TypeError, match="tgt_in"):
        model(torch.tensor([[4, 5]]), torch.tensor([[1.0]]))
    with pytest.raises(ValueError, match="s must be"):
        model.attend(torch.randn(2, 3), torch.randn(2, 5, 12), torch.ones(2, 5))
    with pytest.raises(ValueError, match="max_len"):
        model.greedy_decode(torch.tensor([[4]]), bos_id=1, eos_id=2, max_len=0)
