"""Tests for tutorial_utils.transformer: equivalence with torch's layers,
the positional encoding, masks, decoding and bad inputs."""

import math

import pytest
import torch
from torch import nn

from tutorial_utils.transformer import (
    DecoderLayer,
    EncoderLayer,
    MultiHeadAttention,
    Transformer,
    causal_mask,
    positional_encoding,
)


def mha_state(mha: MultiHeadAttention, prefix: str = "") -> dict:
    W = [mha.W_q, mha.W_k, mha.W_v]
    return {
        prefix + "in_proj_weight": torch.cat([w.weight for w in W]),
        prefix + "in_proj_bias": torch.cat([w.bias for w in W]),
        prefix + "out_proj.weight": mha.W_o.weight,
        prefix + "out_proj.bias": mha.W_o.bias,
    }


def torch_state(layer: nn.Module) -> dict:
    state = {k: v for k, v in layer.state_dict().items() if "attn" not in k}
    state |= mha_state(layer.self_attn, "self_attn.")
    if hasattr(layer, "cross_attn"):
        state |= mha_state(layer.cross_attn, "multihead_attn.")
    return state


@pytest.mark.parametrize("d,h,T_q,T", [(8, 1, 3, 3), (16, 4, 5, 7), (24, 6, 1, 2)])
def test_multihead_matches_torch(d: int, h: int, T_q: int, T: int) -> None:
    torch.manual_seed(0)
    ours = MultiHeadAttention(d, h).double()
    ref = nn.MultiheadAttention(d, h, batch_first=True, dtype=torch.float64)
    ref.load_state_dict(mha_state(ours))
    y, x = torch.randn(2, T_q, d).double(), torch.randn(2, T, d).double()
    pad = torch.arange(T) >= torch.tensor([[T], [1]])
    out = ours(y, x, ~pad[:, None])
    torch.testing.assert_close(out, ref(y, x, x, key_padding_mask=pad)[0])
    causal = causal_mask(T_q)
    torch.testing.assert_close(ours(y, y, causal), ref(y, y, y, attn_mask=~causal)[0])


@pytest.mark.parametrize("norm_first", [False, True])
def test_layers_match_torch(norm_first: bool) -> None:
    torch.manual_seed(1)
    d, h, d_ff = 16, 4, 32
    kw = dict(dim_feedforward=d_ff, dropout=0.0, batch_first=True, dtype=torch.float64)
    x, y = torch.randn(3, 6, d).double(), torch.randn(3, 4, d).double()
    pad = torch.arange(6) >= torch.tensor([[6], [3], [1]])
    enc = EncoderLayer(d, h, d_ff, norm_first=norm_first).double()
    ref = nn.TransformerEncoderLayer(d, h, norm_first=norm_first, **kw)
    ref.load_state_dict(torch_state(enc))
    memory = enc(x, ~pad[:, None])
    torch.testing.assert_close(memory, ref(x, src_key_padding_mask=pad))
    dec = DecoderLayer(d, h, d_ff, norm_first=norm_first).double()
    ref = nn.TransformerDecoderLayer(d, h, norm_first=norm_first, **kw)
    ref.load_state_dict(torch_state(dec))
    causal = causal_mask(4)
    torch.testing.assert_close(
        dec(y, memory, causal, ~pad[:, None]),
        ref(y, memory, tgt_mask=~causal, memory_key_padding_mask=pad),
    )


def test_positional_encoding_values_and_rotation() -> None:
    pe = positional_encoding(50, 8).double()
    assert pe.shape == (50, 8)
    assert math.isclose(pe[3, 2].item(), math.sin(3 / 10000 ** (2 / 8)), rel_tol=1e-6)
    assert math.isclose(pe[3, 3].item(), math.cos(3 / 10000 ** (2 / 8)), rel_tol=1e-6)
    dots = (pe[:-4] * pe[4:]).sum(-1)  # depends only on the offset
    torch.testing.assert_close(dots, dots[0].expand_as(dots), atol=1e-5, rtol=0)


def test_transformer_shapes_causality_and_padding() -> None:
    torch.manual_seed(2)
    model = Transformer(20, 12, d=16, h=4, d_ff=32, n_layers=2).eval()
    src = torch.tensor([[3, 4, 5, 0, 0], [6, 7, 8, 9, 2]])
    tgt = torch.tensor([[1, 4, 5, 6], [1, 7, 8, 9]])
    logits = model(src, tgt)
    assert logits.shape == (2, 4, 12)
    changed = tgt.clone()
    changed[:, 3] = 2  # a later token must not change earlier logits
    torch.testing.assert_close(model(src, changed)[:, :3], logits[:, :3])
    alone = model(src[:1, :3], tgt[:1])  # padding changes nothing
    torch.testing.assert_close(alone, logits[:1])
    tokens = model.greedy_decode(src, bos_id=1, eos_id=2, max_len=6)
    assert tokens.shape[0] == 2 and tokens.shape[1] <= 6


def test_transformer_learns_to_copy() -> None:
    torch.manual_seed(3)
    model = Transformer(8, 8, d=32, h=4, d_ff=64, n_layers=1)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(150):
        src = torch.randint(3, 8, (32, 5))
        tgt = torch.cat([torch.ones(32, 1, dtype=torch.int64), src], 1)
        loss = nn.functional.cross_entropy(
            model(src, tgt[:, :-1]).transpose(1, 2), tgt[:, 1:]
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 1.0, loss.item()  # ln 5 = 1.6 at chance; 0.61 measured


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="divisible"):
        MultiHeadAttention(10, 3)
    with pytest.raises(ValueError, match="even"):
        positional_encoding(5, 7)
    with pytest.raises(TypeError, match="norm_first"):
        EncoderLayer(8, 2, 16, norm_first="yes")
    mha = MultiHeadAttention(8, 2)
    with pytest.raises(ValueError, match=r"\(B, T, 8\)"):
        mha(torch.randn(2, 3, 5), torch.randn(2, 3, 8))
    with pytest.raises(TypeError, match="x_q must be a Tensor"):
        mha([1.0], torch.randn(2, 3, 8))
    model = Transformer(10, 10, d=8, h=2, d_ff=16, n_layers=1, max_len=8)
    with pytest.raises(TypeError, match="int64"):
        model(torch.zeros(1, 3), torch.zeros(1, 2, dtype=torch.int64))
    with pytest.raises(ValueError, match="vocabulary|lie in"):
        model(torch.tensor([[3, 10]]), torch.tensor([[1]]))
    with pytest.raises(ValueError, match="T <= 8"):
        model(torch.ones(1, 9, dtype=torch.int64), torch.tensor([[1]]))
    with pytest.raises(ValueError, match="bos_id"):
        model.greedy_decode(torch.tensor([[3]]), bos_id=10, eos_id=2, max_len=3)
    with pytest.raises((TypeError, ValueError), match="n_layers"):
        Transformer(10, 10, n_layers=0)
