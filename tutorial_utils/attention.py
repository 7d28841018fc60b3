"""The attention encoder-decoder of chapter 08, kept once for later chapters.

Chapter 08 writes and explains this model in its notebook and checks that its own
class and this one give the same outputs from the same weights. The encoder is
chapter 07's (``tutorial_utils.seq2seq.Seq2Seq``); at every decoder step the
previous state s_{t-1} scores every encoder state h_j,

    e_tj = u^T tanh(W_s s_{t-1} + W_h h_j)     (additive, Bahdanau et al. 2015)
    e_tj = s_{t-1}^T h_j / sqrt(d_hidden)       (scaled dot product)
    alpha_t = softmax_j(e_tj) over the real (non-pad) source positions,
    c_t = sum_j alpha_tj h_j,
    s_t = cell(s_{t-1}, [embed(y_{t-1}); c_t]),  logits = W_o [s_t; c_t] + b_o.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from tutorial_utils.seq2seq import Seq2Seq, _check_ids
from tutorial_utils.validate import check_int, check_str, describe

__all__ = ["AttentionSeq2Seq"]


class AttentionSeq2Seq(Seq2Seq):
    """Chapter 07's encoder-decoder with a fresh context c_t at every step.

    Example:
        >>> model = AttentionSeq2Seq(35, 17, d_embed=16, d_hidden=32)
        >>> model(torch.tensor([[4, 5, 0]]), torch.tensor([[1, 7]])).shape
        torch.Size([1, 2, 17])

    Args:
        src_vocab_size, tgt_vocab_size, d_embed, d_hidden, cell, pad_id: as
            for ``Seq2Seq``.
        score: ``"additive"`` (default) or ``"dot"`` (scaled dot product).
        d_attn: width of the additive score's hidden layer (default d_hidden).

    Raises:
        TypeError / ValueError: as ``Seq2Seq``; also for an unknown ``score`` or
            a ``d_attn`` below 1.
    """

    def __init__(
        self, src_vocab_size: int, tgt_vocab_size: int, *, d_embed: int = 64,
        d_hidden: int = 128, cell: str = "gru", pad_id: int = 0,
        score: str = "additive", d_attn: int | None = None,
    ) -> None:  # fmt: skip
        super().__init__(
            src_vocab_size, tgt_vocab_size, d_embed=d_embed, d_hidden=d_hidden,
            cell=cell, pad_id=pad_id,
        )  # fmt: skip
        if check_str("score", score) not in ("additive", "dot"):
            raise ValueError(f"score must be 'additive' or 'dot'; got {score!r}")
        self.score = score
        self.d_hidden = d_hidden
        if score == "additive":
            d_attn = check_int(
                "d_attn", d_hidden if d_attn is None else d_attn, minimum=1
            )
            self.W_s = nn.Linear(d_hidden, d_attn, bias=False)  # query side
            self.W_h = nn.Linear(d_hidden, d_attn)  # key side (with bias)
            self.u = nn.Linear(d_attn, 1, bias=False)  # u in eq-08-additive
        self.out = nn.Linear(2 * d_hidden, tgt_vocab_size)  # W_o [s_t; c_t]

    def attend(self, s: Tensor, H: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Context ``(B, d_hidden)`` and weights ``(B, T_x)`` for the query
        ``s`` ``(B, d_hidden)`` over encoder states ``H`` ``(B, T_x, d_hidden)``;
        ``mask`` ``(B, T_x)`` is True at real source tokens.

        Raises:
            ValueError: if the shapes do not fit together.
        """
        if H.ndim != 3 or s.shape != (H.shape[0], H.shape[2]):
            raise ValueError(
                "s must be (B, d) and H (B, T_x, d); got "
                f"{describe(s)} and {describe(H)}"
            )
        if mask.shape != H.shape[:2]:
            raise ValueError(
                f"mask must have shape {tuple(H.shape[:2])}; got {describe(mask)}"
            )
        if self.score == "additive":
            e = self.u(torch.tanh(self.W_s(s)[:, None] + self.W_h(H)))[..., 0]
        else:
            e = (H @ s[:, :, None])[..., 0] / math.sqrt(self.d_hidden)  # (B, T_x)
        alpha = e.masked_fill(~mask, float("-inf")).softmax(-1)  # (B, T_x)
        return (alpha[:, :, None] * H).sum(1), alpha

    def decode_step(
        self, y_prev: Tensor, s: Tensor, H: Tensor, mask: Tensor
    ) -> tuple[Tensor, Tensor, Tensor]:
        """One decoder step from tokens ``y_prev`` ``(B,)`` and state ``s``:
        logits ``(B, V_tgt)``, the new state ``(B, d_hidden)``, weights ``(B, T_x)``."""
        c_t, alpha = self.attend(s, H, mask)
        x = torch.cat([self.tgt_embed(y_prev), c_t], -1)[:, None]  # (B, 1, .)
        _, s_new = self.decoder(x, s[None].contiguous())
        s_new = s_new[0]
        return self.out(torch.cat([s_new, c_t], -1)), s_new, alpha

    def forward_with_attention(
        self, src: Tensor, tgt_in: Tensor
    ) -> tuple[Tensor, Tensor]:
        """Teacher forcing: logits ``(B, T_y, V_tgt)`` and the attention weights
        ``(B, T_y, T_x)`` of every step.

        Raises:
            TypeError / ValueError: for bad ids (see ``Seq2Seq.encode``).
        """
        tgt_in = _check_ids("tgt_in", tgt_in, self.tgt_vocab_size)
        if len(tgt_in) != len(src):
            raise ValueError(
                f"src and tgt_in must have the same batch size; got {len(src)} "
                f"and {len(tgt_in)}"
            )
        H, c = self.encode(src)
        mask = src != self.pad_id
        s = self.initial_state(c)
        logits, alphas = [], []
        for t in range(tgt_in.shape[1]):
            step, s, alpha = self.decode_step(tgt_in[:, t], s, H, mask)
            logits.append(step)
            alphas.append(alpha)
        return torch.stack(logits, 1), torch.stack(alphas, 1)

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher forcing: logits ``(B, T_y, V_tgt)``."""
        return self.forward_with_attention(src, tgt_in)[0]

    @torch.no_grad()
    def greedy_decode(
        self, src: Tensor, *, bos_id: int, eos_id: int, max_len: int
    ) -> tuple[Tensor, Tensor]:
        """As ``Seq2Seq.greedy_decode``: tokens ``(B, L)`` (pad after ``<eos>``)
        and their probabilities ``(B, L)`` (0 after ``<eos>``)."""
        for name, value in (("bos_id", bos_id), ("eos_id", eos_id)):
            check_int(name, value, minimum=0, maximum=self.tgt_vocab_size - 1)
        max_len = check_int("max_len", max_len, minimum=1)
        H, c = self.encode(src)
        mask = src != self.pad_id
        s = self.initial_state(c)
        y = torch.full((len(src),), bos_id, dtype=torch.int64, device=src.device)
        done = torch.zeros(len(src), dtype=torch.bool, device=src.device)
        tokens, probs = [], []
        for _ in range(max_len):
            logits, s, _ = self.decode_step(y, s, H, mask)
            p, y = logits.softmax(-1).max(-1)  # (B,) each
            tokens.append(y.masked_fill(done, self.pad_id))
            probs.append(p.masked_fill(done, 0.0))
            done |= y == eos_id
            if bool(done.all()):
                break
        return torch.stack(tokens, 1), torch.stack(probs, 1)
