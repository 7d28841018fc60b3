"""The decoder-only Transformer (GPT) of chapter 09, kept once for later chapters.

Chapter 09 writes this model in its notebook (pre-LN encoder layers with a causal
mask, learned positions, a key-value cache) and checks that its class and this one
give the same logits from the same weights: the parameter names are the same, so
``load_state_dict`` moves weights either way. Chapters 10 and 11 and
``benchmarks/char_lm.py`` import it from here.

Two things make it quicker than the chapter's copy without changing what it
computes: the three projections Q, K and V run as one matrix multiply (their
weights concatenated on the fly, so the parameters stay three ``nn.Linear``, and
modules that replace them, such as int8 ones, are called one by one), and
under CPU bf16 autocast the attention kernel itself runs in fp32 (PyTorch's bf16
flash-attention backward on CPU is several times slower than its fp32 one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.utils.checkpoint import checkpoint

from tutorial_utils.transformer import EncoderLayer
from tutorial_utils.validate import check_bool, check_int, check_real, check_seed

__all__ = ["GPT", "GPTConfig", "KVCache"]

KVCache = list[tuple[Tensor, Tensor]]
"""One ``(keys, values)`` pair per block, each ``(B, h, T_seen, d_k)``."""


@dataclass(frozen=True)
class GPTConfig:
    """Sizes of a :class:`GPT`. ``block_size`` is the longest context."""

    vocab_size: int
    d: int = 64
    h: int = 4
    d_ff: int = 256
    n_layers: int = 2
    block_size: int = 256

    def __post_init__(self) -> None:
        check_int("vocab_size", self.vocab_size, minimum=2)
        for name in ("d", "h", "d_ff", "n_layers", "block_size"):
            check_int(name, getattr(self, name), minimum=1)
        if self.d % self.h:
            raise ValueError(
                f"d must be divisible by h (each head gets d // h features); "
                f"got d={self.d}, h={self.h}"
            )


def _attention(q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    """Causal SDPA; a query block of length t sits at the end of T keys."""
    t, T = q.shape[2], k.shape[2]
    if torch.is_autocast_enabled("cpu") and q.device.type == "cpu":
        with torch.autocast("cpu", enabled=False):  # fp32 kernel, see module doc
            return _attention(q.float(), k.float(), v.float())
    if t == T:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    mask = torch.ones(t, T, dtype=torch.bool, device=q.device).tril(T - t)
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


class GPT(nn.Module):
    """Decoder-only Transformer: ``model(ids, cache)`` -> ``(logits, cache)``.

    ``ids`` is ``(B, t)``; with a ``cache`` from an earlier call the ids are the
    *new* tokens only and attend to every cached position. ``logits`` is
    ``(B, t, vocab_size)``.

    Example:
        >>> model = GPT(GPTConfig(vocab_size=10, d=16, h=2, d_ff=32))
        >>> logits, cache = model(torch.tensor([[1, 2, 3]]))
        >>> logits.shape, cache[0][0].shape
        (torch.Size([1, 3, 10]), torch.Size([1, 2, 3, 8]))

    Set ``grad_checkpoint = True`` to recompute each block in the backward pass
    instead of storing its activations (less memory, more time).

    Raises:
        TypeError / ValueError: if ``config`` is not a :class:`GPTConfig`, or the
            ids are not a 2-D int64 tensor inside the vocabulary, or the context
            would exceed ``block_size``.
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        if not isinstance(config, GPTConfig):
            raise TypeError(f"config must be a GPTConfig; got {type(config).__name__}")
        c = self.config = config
        self.embed = nn.Embedding(c.vocab_size, c.d)
        self.pos = nn.Embedding(c.block_size, c.d)
        self.blocks = nn.ModuleList(
            EncoderLayer(c.d, c.h, c.d_ff, norm_first=True) for _ in range(c.n_layers)
        )
        self.norm, self.out = nn.LayerNorm(c.d), nn.Linear(c.d, c.vocab_size)
        self.grad_checkpoint = False

    def _check(self, ids: Tensor, start: int) -> None:
        if not isinstance(ids, Tensor) or ids.dtype != torch.int64:
            raise TypeError(f"ids must be an int64 Tensor; got {ids!r:.60}")
        if ids.dim() != 2 or ids.shape[1] == 0:
            raise ValueError(
                f"ids must have shape (B, t) with t >= 1; got {tuple(ids.shape)}"
            )
        if start + ids.shape[1] > self.config.block_size:
            raise ValueError(
                f"context of {start + ids.shape[1]} tokens exceeds block_size "
                f"{self.config.block_size}; crop the prompt or the cache"
            )
        if ids.min() < 0 or ids.max() >= self.config.vocab_size:
            raise ValueError(
                f"ids must lie in [0, {self.config.vocab_size}); "
                f"got {int(ids.min())}..{int(ids.max())}"
            )

    def block(
        self, i: int, x: Tensor, past: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor, Tensor]:
        """Block ``i`` on ``x`` (B, t, d): returns ``(x, keys, values)``."""
        layer = self.blocks[i]
        mha, a = layer.self_attn, layer.norm1(x)
        projections = (mha.W_q, mha.W_k, mha.W_v)
        if all(isinstance(p.weight, nn.Parameter) for p in projections):
            W = torch.cat([p.weight for p in projections])  # one product
            b = torch.cat([p.bias for p in projections])
            qkv = F.linear(a, W, b).split(mha.d, -1)
        else:  # replaced modules, e.g. int8 ones from quantize_dynamic
            qkv = [p(a) for p in projections]
        q, k, v = (mha.split(z) for z in qkv)  # (B, h, t, d_k) each
        if past is not None:  # prepend the cached keys and values
            k, v = torch.cat([past[0], k], 2), torch.cat([past[1], v], 2)
        heads = _attention(q, k, v)  # (B, h, t, d_k)
        x = x + mha.W_o(heads.transpose(1, 2).reshape(x.shape))
        return x + layer.ffn(layer.norm2(x)), k, v

    def hidden(self, ids: Tensor, cache: KVCache | None = None) -> tuple:
        """Final-LayerNorm features ``(B, t, d)`` and the new cache."""
        start = 0 if cache is None else cache[0][0].shape[2]
        self._check(ids, start)
        steps = torch.arange(start, start + ids.shape[1], device=ids.device)
        x = self.embed(ids) + self.pos(steps)  # (B, t, d): new tokens only
        new_cache: KVCache = []
        for i in range(len(self.blocks)):
            past = None if cache is None else cache[i]
            if self.grad_checkpoint and torch.is_grad_enabled() and past is None:
                x, k, v = checkpoint(self.block, i, x, use_reentrant=False)
            else:
                x, k, v = self.block(i, x, past)
            new_cache.append((k, v))
        return self.norm(x), new_cache

    def forward(self, ids: Tensor, cache: KVCache | None = None) -> tuple:
        x, new_cache = self.hidden(ids, cache)
        return self.out(x), new_cache

    @torch.no_grad()
    def generate(
        self,
        ids: Tensor,
        n: int,
        *,
        temperature: float = 1.0,
        top_k: int = 0,
        use_cache: bool = True,
        seed: int = 0,
    ) -> Tensor:
        """Append ``n`` sampled tokens to ``ids`` (B, t); returns (B, t + n).

        ``temperature`` 0 is greedy; ``top_k`` > 0 samples among the k largest
        logits only. The model reads at most the last ``block_size`` tokens (a
        sliding window), so any prompt length and any ``n`` work. Without the
        cache the window is recomputed at every step (same tokens, more time).
        With it, each step feeds only the new token until the cache holds
        ``block_size`` positions; after that every step recomputes the window:
        each cached key was computed with its token's learned position, and when
        the window slides every token's position changes. So both paths compute
        the same logits.

        Example:
            >>> model = GPT(GPTConfig(vocab_size=10, d=16, h=2, block_size=8))
            >>> model.generate(torch.tensor([[1, 2, 3]]), 20).shape
            torch.Size([1, 23])
        """
        if not isinstance(ids, Tensor) or ids.dim() != 2:
            raise TypeError(f"ids must be a (B, t) int64 Tensor; got {ids!r:.60}")
        n = check_int("n", n, minimum=1)
        temperature = check_real("temperature", temperature)
        if temperature < 0:
            raise ValueError(f"temperature must be >= 0; got {temperature}")
        top_k = check_int("top_k", top_k, minimum=0)
        use_cache = check_bool("use_cache", use_cache)
        generator = torch.Generator(device=ids.device).manual_seed(
            check_seed("seed", seed)
        )
        size = self.config.block_size
        logits, cache = self(ids[:, -size:])  # the last block_size tokens
        for _ in range(n):
            z = logits[:, -1].float()  # (B, V)
            if temperature == 0:
                nxt = z.argmax(-1, keepdim=True)
            else:
                if top_k:
                    kth = z.topk(min(top_k, z.shape[-1]), -1).values[:, -1:]
                    z = z.masked_fill(z < kth, -math.inf)
                p = (z / temperature).softmax(-1)
                nxt = torch.multinomial(p, 1, generator=generator)
            ids = torch.cat([ids, nxt], 1)
            if use_cache and cache[0][0].shape[2] < size:
                logits, cache = self(nxt, cache)  # the new token only
            else:  # no cache, or a full one: the window again
                logits, cache = self(ids[:, -size:])
        return ids
