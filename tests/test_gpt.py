"""Tests for tutorial_utils.gpt: the fused projections equal the encoder layers,
the KV cache equals recomputation (also past block_size, where generation slides
its window), causality, bf16 autocast, checkpointing, sampling and bad inputs."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from tutorial_utils.gpt import GPT, GPTConfig
from tutorial_utils.transformer import causal_mask


def small(**kw) -> GPT:
    torch.manual_seed(0)
    return GPT(GPTConfig(**{"vocab_size": 11, "d": 16, "h": 4, "d_ff": 32, **kw}))


@pytest.mark.parametrize("n_layers,T", [(1, 1), (2, 7), (3, 16)])
def test_blocks_equal_causal_encoder_layers(n_layers: int, T: int) -> None:
    model = small(n_layers=n_layers).double()
    ids = torch.randint(0, 11, (3, T))
    x = model.embed(ids) + model.pos(torch.arange(T))
    for layer in model.blocks:  # the plain pre-LN layer with a causal mask
        x = layer(x, causal_mask(T))
    logits, cache = model(ids)
    torch.testing.assert_close(logits, model.out(model.norm(x)))
    assert len(cache) == n_layers and cache[0][0].shape == (3, 4, T, 4)


def test_cache_equals_recomputation_and_is_causal() -> None:
    model = small(n_layers=2).double()
    ids = torch.randint(0, 11, (2, 12))
    full, _ = model(ids)
    logits, cache = model(ids[:, :5])
    steps = [logits]
    for t in range(5, 12):
        logits, cache = model(ids[:, t : t + 1], cache)
        steps.append(logits)
    torch.testing.assert_close(torch.cat(steps, 1), full)
    changed = ids.clone()
    changed[:, 8:] = (changed[:, 8:] + 1) % 11  # the future must not matter
    torch.testing.assert_close(model(changed)[0][:, :8], full[:, :8])
    assert not torch.allclose(model(changed)[0][:, 8:], full[:, 8:])


def test_bf16_autocast_close_and_attention_in_fp32() -> None:
    model = small(n_layers=2)
    ids = torch.randint(0, 11, (4, 10))
    ref, _ = model(ids)
    seen = []
    original = F.scaled_dot_product_attention

    def spy(q, *args, **kwargs):
        seen.append(q.dtype)
        return original(q, *args, **kwargs)

    F.scaled_dot_product_attention = spy
    try:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            low, _ = model(ids)
    finally:
        F.scaled_dot_product_attention = original
    assert low.dtype == torch.bfloat16 and seen == [torch.float32] * 2
    torch.testing.assert_close(low.float(), ref, atol=0.05, rtol=0.05)


def test_gradient_checkpointing_gives_the_same_gradients() -> None:
    model = small(n_layers=3)
    ids = torch.randint(0, 11, (2, 9))
    grads = []
    for flag in (False, True):
        model.zero_grad()
        model.grad_checkpoint = flag
        model(ids)[0].square().mean().backward()
        grads.append([p.grad.clone() for p in model.parameters()])
    for a, b in zip(*grads, strict=True):
        torch.testing.assert_close(a, b)


def test_generate_greedy_cache_and_sampling() -> None:
    model = small(n_layers=2, block_size=32)
    prompt = torch.tensor([[1, 2, 3]])
    with_cache = model.generate(prompt, 20, temperature=0)
    without = model.generate(prompt, 20, temperature=0, use_cache=False)
    assert torch.equal(with_cache, without) and with_cache.shape == (1, 23)
    a = model.generate(prompt, 20, temperature=1.0, top_k=3, seed=1)
    b = model.generate(prompt, 20, temperature=1.0, top_k=3, seed=1)
    assert torch.equal(a, b)
    logits, cache = model(prompt)  # top-k: only the 3 largest can be drawn
    first = model.generate(prompt.repeat(200, 1), 1, top_k=3, seed=2)[:, -1]
    allowed = logits[0, -1].topk(3).indices
    assert torch.isin(first, allowed).all() and len(first.unique()) > 1
    long = model.generate(prompt, 40, temperature=0, use_cache=False)
    assert long.shape == (1, 43)  # the context is cropped to block_size


@pytest.mark.parametrize("prompt_len", [3, 8, 13])
def test_generating_past_block_size_slides_the_window(prompt_len: int) -> None:
    model = small(n_layers=2, block_size=8).double()
    prompt = torch.randint(0, 11, (2, prompt_len))
    n = 20  # well past block_size, whatever the prompt
    ids = prompt  # recomputation by hand: the argmax over the last 8 tokens
    for _ in range(n):
        logits, _ = model(ids[:, -8:])
        ids = torch.cat([ids, logits[:, -1].argmax(-1, keepdim=True)], 1)
    for use_cache in (True, False):
        greedy = model.generate(prompt, n, temperature=0, use_cache=use_cache)
        assert torch.equal(greedy, ids), use_cache
    sampled = [
        model.generate(prompt, n, temperature=1.0, top_k=4, seed=3, use_cache=c)
        for c in (True, False)
    ]
    assert sampled[0].shape == (2, prompt_len + n)
    assert torch.equal(*sampled)  # the cache crops to the same window


@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")
def test_int8_dynamic_quantization_of_every_linear_layer() -> None:
    from torch.ao.quantization import quantize_dynamic

    model = small(n_layers=2).eval()
    ids = torch.randint(0, 11, (3, 9))
    with pytest.warns(DeprecationWarning):  # torch points to torchao
        int8 = quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    assert not isinstance(int8.blocks[0].self_attn.W_q, nn.Linear)
    torch.testing.assert_close(int8(ids)[0], model(ids)[0], atol=0.05, rtol=0.05)
    _, cache = int8(ids[:, :5])  # inputs are quantized per call, from their
    step, _ = int8(ids[:, 5:6], cache)  # own range: equal up to that rounding
    torch.testing.assert_close(step[:, 0], int8(ids[:, :6])[0][:, 5], atol=0.05, rtol=0)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="divisible"):
        GPTConfig(vocab_size=10, d=10, h=4)
    with pytest.raises(ValueError, match="vocab_size"):
        GPTConfig(vocab_size=1)
    with pytest.raises(TypeError, match="GPTConfig"):
        GPT({"vocab_size": 10})
    model = small(block_size=8)
    with pytest.raises(TypeError, match="int64"):
        model(torch.zeros(1, 3))
    with pytest.raises(ValueError, match=r"\(B, t\)"):
        model(torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="lie in"):
        model(torch.tensor([[0, 11]]))
    with pytest.raises(ValueError, match="block_size 8"):
        model(torch.zeros(1, 9, dtype=torch.long))
    _, cache = model(torch.zeros(1, 6, dtype=torch.long))
    with pytest.raises(ValueError, match="block_size 8"):
        model(torch.zeros(1, 3, dtype=torch.long), cache)
    with pytest.raises(ValueError, match="temperature"):
        model.generate(torch.zeros(1, 2, dtype=torch.long), 1, temperature=-1)
    with pytest.raises(TypeError, match="top_k"):
        model.generate(torch.zeros(1, 2, dtype=torch.long), 1, top_k=1.5)
