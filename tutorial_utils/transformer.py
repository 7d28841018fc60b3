"""The encoder-decoder Transformer of chapter 09, kept once for later chapters.

Chapter 09 writes and explains this model in its notebook and checks that its own
classes and these give the same outputs from the same weights (Vaswani et al.
2017). Attention runs through ``F.scaled_dot_product_attention``, which picks a
fused kernel on a GPU. Sub-layers are wrapped as x + Sublayer(LN(x)) (pre-LN,
``norm_first=True``) or LN(x + Sublayer(x)) (post-LN, as in the paper); module
names follow ``nn.TransformerEncoderLayer`` / ``nn.TransformerDecoderLayer``.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from tutorial_utils.validate import check_int

__all__ = [
    "DecoderLayer",
    "EncoderLayer",
    "MultiHeadAttention",
    "Transformer",
    "causal_mask",
    "positional_encoding",
]


def positional_encoding(T: int, d: int) -> Tensor:
    """Sinusoidal encoding ``(T, d)``: PE[pos, 2k] = sin(pos / 10000^(2k/d)),
    PE[pos, 2k+1] = cos(same angle).

    Example:
        >>> positional_encoding(4, 6).shape
        torch.Size([4, 6])

    Raises:
        TypeError / ValueError: if ``T`` is not an int >= 1 or ``d`` not an even
            int >= 2.
    """
    T = check_int("T", T, minimum=1)
    d = check_int("d", d, minimum=2)
    if d % 2:
        raise ValueError(f"d must be even; got {d}")
    pos = torch.arange(T, dtype=torch.float64)[:, None]  # (T, 1)
    freq = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * freq)
    pe[:, 1::2] = torch.cos(pos * freq)
    return pe.float()


def causal_mask(T: int, device: torch.device | str | None = None) -> Tensor:
    """Boolean ``(T, T)`` mask, True where query t may attend to key s <= t.

    Raises:
        TypeError / ValueError: if ``T`` is not an int >= 1.
    """
    T = check_int("T", T, minimum=1)
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()


class MultiHeadAttention(nn.Module):
    """head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V); concat(heads) W^O.

    ``mask`` is boolean, True = may attend, broadcastable to (B, T_q, T_k).

    Raises:
        TypeError / ValueError: if ``d`` or ``h`` is not a positive int or
            ``d`` is not divisible by ``h``; if an input is not (B, T, d).
    """

    def __init__(self, d: int, h: int) -> None:
        super().__init__()
        d, h = check_int("d", d, minimum=1), check_int("h", h, minimum=1)
        if d % h:
            raise ValueError(f"d must be divisible by h; got d={d}, h={h}")
        self.d, self.h, self.d_k = d, h, d // h
        self.W_q, self.W_k = nn.Linear(d, d), nn.Linear(d, d)
        self.W_v, self.W_o = nn.Linear(d, d), nn.Linear(d, d)

    def split(self, x: Tensor) -> Tensor:
        B, T, _ = x.shape
        return x.view(B, T, self.h, self.d_k).transpose(1, 2)  # (B,h,T,d_k)

    def forward(self, x_q: Tensor, x_kv: Tensor, mask: Tensor | None = None) -> Tensor:
        for name, x in (("x_q", x_q), ("x_kv", x_kv)):
            if not isinstance(x, Tensor):
                raise TypeError(f"{name} must be a Tensor; got {type(x).__name__}")
            if x.dim() != 3 or x.shape[-1] != self.d:
                raise ValueError(
                    f"{name} must have shape (B, T, {self.d}); got {tuple(x.shape)}"
                )
        q = self.split(self.W_q(x_q))
        k, v = self.split(self.W_k(x_kv)), self.split(self.W_v(x_kv))
        if mask is not None and mask.dim() == 3:
            mask = mask[:, None]  # (B, 1, T_q, T_k): same for every head
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        B, T_q = x_q.shape[:2]
        return self.W_o(out.transpose(1, 2).reshape(B, T_q, self.d))


class _Layer(nn.Module):
    def __init__(self, d: int, h: int, d_ff: int, norm_first: bool) -> None:
        super().__init__()
        if not isinstance(norm_first, bool):
            raise TypeError(
                f"norm_first must be a bool; got {type(norm_first).__name__}"
            )
        d_ff = check_int("d_ff", d_ff, minimum=1)
        self.norm_first = norm_first
        self.self_attn = MultiHeadAttention(d, h)
        self.linear1, self.linear2 = nn.Linear(d, d_ff), nn.Linear(d_ff, d)

    def ffn(self, x: Tensor) -> Tensor:
        return self.linear2(torch.relu(self.linear1(x)))  # max(0, xW1+b1)W2+b2

    def sublayer(self, x: Tensor, norm: nn.LayerNorm, fn) -> Tensor:
        if self.norm_first:
            return x + fn(norm(x))  # pre-LN
        return norm(x + fn(x))  # post-LN


class EncoderLayer(_Layer):
    """Self-attention then FFN, each inside a residual + LayerNorm wrapper."""

    def __init__(self, d: int, h: int, d_ff: int, *, norm_first: bool = True) -> None:
        super().__init__(d, h, d_ff, norm_first)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        x = self.sublayer(x, self.norm1, lambda a: self.self_attn(a, a, mask))
        return self.sublayer(x, self.norm2, self.ffn)


class DecoderLayer(_Layer):
    """Masked self-attention, cross-attention to ``memory``, then FFN."""

    def __init__(self, d: int, h: int, d_ff: int, *, norm_first: bool = True) -> None:
        super().__init__(d, h, d_ff, norm_first)
        self.cross_attn = MultiHeadAttention(d, h)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.norm3 = nn.LayerNorm(d)

    def forward(
        self,
        y: Tensor,
        memory: Tensor,
        self_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
    ) -> Tensor:
        y = self.sublayer(y, self.norm1, lambda a: self.self_attn(a, a, self_mask))
        y = self.sublayer(
            y, self.norm2, lambda a: self.cross_attn(a, memory, memory_mask)
        )
        return self.sublayer(y, self.norm3, self.ffn)


class Transformer(nn.Module):
    """Encoder-decoder Transformer: ``model(src, tgt_in)`` -> logits (B, T_y, V).

    Example:
        >>> model = Transformer(35, 17, d=32, h=4, d_ff=64, n_layers=2)
        >>> model(torch.tensor([[4, 5, 0]]), torch.tensor([[1, 7]])).shape
        torch.Size([1, 2, 17])

    Raises:
        TypeError / ValueError: for a size that is not a positive int, ``d``
            not divisible by ``h`` or odd, or token ids that are not a 2-D
            int64 tensor inside the vocabulary.
    """

    def __init__(
        self, src_vocab_size: int, tgt_vocab_size: int, *, d: int = 64,
        h: int = 4, d_ff: int = 256, n_layers: int = 2, max_len: int = 64,
        pad_id: int = 0, norm_first: bool = True,
    ) -> None:  # fmt: skip
        super().__init__()
        self.V_src = check_int("src_vocab_size", src_vocab_size, minimum=2)
        self.V_tgt = check_int("tgt_vocab_size", tgt_vocab_size, minimum=2)
        n_layers = check_int("n_layers", n_layers, minimum=1)
        self.pad_id = check_int("pad_id", pad_id, minimum=0)
        self.d = d
        self.src_embed = nn.Embedding(self.V_src, d)
        self.tgt_embed = nn.Embedding(self.V_tgt, d)
        self.register_buffer("pe", positional_encoding(max_len, d), False)
        self.encoder = nn.ModuleList(
            EncoderLayer(d, h, d_ff, norm_first=norm_first) for _ in range(n_layers)
        )
        self.decoder = nn.ModuleList(
            DecoderLayer(d, h, d_ff, norm_first=norm_first) for _ in range(n_layers)
        )
        self.enc_norm, self.dec_norm = nn.LayerNorm(d), nn.LayerNorm(d)
        self.norm_first = norm_first
        self.out = nn.Linear(d, self.V_tgt)

    def _ids(self, name: str, ids: Tensor, V: int) -> Tensor:
        if not isinstance(ids, Tensor) or ids.dtype != torch.int64:
            raise TypeError(f"{name} must be an int64 Tensor; got {ids!r:.60}")
        if ids.dim() != 2 or ids.shape[1] > len(self.pe):
            raise ValueError(
                f"{name} must have shape (B, T) with T <= {len(self.pe)}; "
                f"got {tuple(ids.shape)}"
            )
        if ids.numel() and (ids.min() < 0 or ids.max() >= V):
            raise ValueError(f"{name} ids must lie in [0, {V}); got outside")
        return ids

    def embed(self, ids: Tensor, table: nn.Embedding) -> Tensor:
        return table(ids) * math.sqrt(self.d) + self.pe[: ids.shape[1]]

    def encode(self, src: Tensor) -> tuple[Tensor, Tensor]:
        """Memory (B, T_x, d) and the key mask (B, 1, T_x) of real tokens."""
        src = self._ids("src", src, self.V_src)
        mask = (src != self.pad_id)[:, None]  # (B, 1, T_x)
        x = self.embed(src, self.src_embed)
        for layer in self.encoder:
            x = layer(x, mask)
        return (self.enc_norm(x) if self.norm_first else x), mask

    def decode(self, tgt_in: Tensor, memory: Tensor, mask: Tensor) -> Tensor:
        """Logits (B, T_y, V_tgt) for decoder inputs ``tgt_in`` (B, T_y)."""
        tgt_in = self._ids("tgt_in", tgt_in, self.V_tgt)
        y = self.embed(tgt_in, self.tgt_embed)
        causal = causal_mask(tgt_in.shape[1], tgt_in.device)
        for layer in self.decoder:
            y = layer(y, memory, causal, mask)
        return self.out(self.dec_norm(y) if self.norm_first else y)

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        memory, mask = self.encode(src)
        return self.decode(tgt_in, memory, mask)

    @torch.no_grad()
    def greedy_decode(
        self, src: Tensor, *, bos_id: int, eos_id: int, max_len: int
    ) -> Tensor:
        """Greedy tokens (B, L) after ``<bos>``, pad after ``<eos>``."""
        for name, value in (("bos_id", bos_id), ("eos_id", eos_id)):
            check_int(name, value, minimum=0, maximum=self.V_tgt - 1)
        max_len = check_int("max_len", max_len, minimum=1)
        memory, mask = self.encode(src)
        ys = torch.full((len(src), 1), bos_id, device=src.device)
        done = torch.zeros(len(src), dtype=torch.bool, device=src.device)
        for _ in range(min(max_len, len(self.pe))):
            y = self.decode(ys, memory, mask)[:, -1].argmax(-1)  # (B,)
            ys = torch.cat([ys, y.masked_fill(done, self.pad_id)[:, None]], 1)
            done |= y == eos_id
            if bool(done.all()):
                break
        return ys[:, 1:]
