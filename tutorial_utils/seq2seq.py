"""The encoder-decoder of chapter 07 (no attention), kept once for chapter 08.

Chapter 07 writes and explains this model in its notebook and checks that its own
class and this one give the same outputs from the same weights; chapter 08
imports it as the baseline that attention improves on. The decoder state follows

    s_0 = tanh(W_0 c + b_0),  c = h_{T_x} (the encoder's last state),
    s_t = cell(s_{t-1}, [embed(y_{t-1}); c]),  p(y_t | ...) = softmax(W_o s_t + b_o),

where ``cell`` is a tanh RNN cell or a GRU cell (``cell="rnn"`` / ``"gru"``).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from tutorial_utils.validate import check_int, check_str, describe

__all__ = ["Seq2Seq"]

_CELLS = {"rnn": nn.RNN, "gru": nn.GRU}


def _check_ids(name: str, ids: object, vocab_size: int) -> Tensor:
    if not isinstance(ids, Tensor) or ids.dtype != torch.int64 or ids.ndim != 2:
        raise TypeError(f"{name} must be an int64 tensor (B, T); got {describe(ids)}")
    if ids.numel() and not 0 <= int(ids.min()) <= int(ids.max()) < vocab_size:
        raise ValueError(
            f"{name} must hold ids in [0, {vocab_size}); got values from "
            f"{int(ids.min())} to {int(ids.max())}"
        )
    return ids


class Seq2Seq(nn.Module):
    """Embedding -> RNN/GRU encoder; its last state c conditions every decoder step.

    Example:
        >>> model = Seq2Seq(35, 17, d_embed=16, d_hidden=32)
        >>> model(torch.tensor([[4, 5, 0]]), torch.tensor([[1, 7]])).shape
        torch.Size([1, 2, 17])

    Args:
        src_vocab_size, tgt_vocab_size: sizes of the two vocabularies.
        d_embed: width of the token embeddings (both sides).
        d_hidden: width of the encoder and decoder states.
        cell: ``"gru"`` (default) or ``"rnn"`` (tanh).
        pad_id: the padding id; sources are padded at the end only.

    Raises:
        TypeError: if a size is not an int or ``cell`` is not a str.
        ValueError: if a size is below 1 (vocabularies below 2), ``cell`` is
            unknown or ``pad_id`` is outside the source vocabulary.
    """

    def __init__(
        self, src_vocab_size: int, tgt_vocab_size: int, *, d_embed: int = 64,
        d_hidden: int = 128, cell: str = "gru", pad_id: int = 0,
    ) -> None:  # fmt: skip
        super().__init__()
        src_vocab_size = check_int("src_vocab_size", src_vocab_size, minimum=2)
        tgt_vocab_size = check_int("tgt_vocab_size", tgt_vocab_size, minimum=2)
        d_embed = check_int("d_embed", d_embed, minimum=1)
        d_hidden = check_int("d_hidden", d_hidden, minimum=1)
        if check_str("cell", cell) not in _CELLS:
            raise ValueError(f"cell must be 'gru' or 'rnn'; got {cell!r}")
        self.pad_id = check_int(
            "pad_id", pad_id, minimum=0, maximum=min(src_vocab_size, tgt_vocab_size) - 1
        )
        self.src_vocab_size, self.tgt_vocab_size = src_vocab_size, tgt_vocab_size
        rnn = _CELLS[cell]
        self.src_embed = nn.Embedding(src_vocab_size, d_embed, padding_idx=pad_id)
        self.encoder = rnn(d_embed, d_hidden, batch_first=True)
        self.bridge = nn.Linear(d_hidden, d_hidden)  # s_0 = tanh(W_0 c + b_0)
        self.tgt_embed = nn.Embedding(tgt_vocab_size, d_embed, padding_idx=pad_id)
        self.decoder = rnn(d_embed + d_hidden, d_hidden, batch_first=True)
        self.out = nn.Linear(d_hidden, tgt_vocab_size)  # logits = W_o s_t + b_o

    def encode(self, src: Tensor) -> tuple[Tensor, Tensor]:
        """Encoder states ``(B, T_x, d_hidden)`` (zero after each source's end)
        and the context ``c`` = each source's last state ``(B, d_hidden)``.

        Raises:
            TypeError / ValueError: if ``src`` is not int64 ``(B, T_x)`` ids in the
                vocabulary, or a row holds no token.
        """
        src = _check_ids("src", src, self.src_vocab_size)
        lengths = (src != self.pad_id).sum(1)  # (B,)
        if src.numel() == 0 or bool((lengths == 0).any()):
            raise ValueError("src must hold at least one token in every row")
        packed = pack_padded_sequence(
            self.src_embed(src), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        outputs, h_last = self.encoder(packed)  # h_last: (1, B, d_hidden)
        outputs, _ = pad_packed_sequence(
            outputs, batch_first=True, total_length=src.shape[1]
        )
        return outputs, h_last[0]  # (B, T_x, d_hidden), (B, d_hidden)

    def initial_state(self, c: Tensor) -> Tensor:
        """``s_0 = tanh(W_0 c + b_0)``, shape ``(B, d_hidden)``."""
        return torch.tanh(self.bridge(c))

    def decode(self, y_prev: Tensor, s: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
        """Run the decoder over the previous tokens ``y_prev`` ``(B, T_y)`` from
        state ``s`` ``(B, d_hidden)``; returns logits ``(B, T_y, V_tgt)`` and the
        last state ``(B, d_hidden)``.
        """
        y_prev = _check_ids("y_prev", y_prev, self.tgt_vocab_size)
        context = c[:, None].expand(-1, y_prev.shape[1], -1)  # (B, T_y, d_hidden)
        inputs = torch.cat([self.tgt_embed(y_prev), context], dim=-1)
        states, s_last = self.decoder(inputs, s[None].contiguous())  # (B, T_y, d_h)
        return self.out(states), s_last[0]

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher forcing: logits ``(B, T_y, V_tgt)`` for every next token,
        given the true previous tokens ``tgt_in`` (``<bos>`` y_1 ... y_{T_y-1})."""
        _, c = self.encode(src)
        logits, _ = self.decode(tgt_in, self.initial_state(c), c)
        return logits

    @torch.no_grad()
    def greedy_decode(
        self, src: Tensor, *, bos_id: int, eos_id: int, max_len: int
    ) -> tuple[Tensor, Tensor]:
        """Feed back the most probable token until ``<eos>`` or ``max_len`` tokens.

        Returns the tokens ``(B, L)`` (``<eos>`` included, pad after it) and the
        probability the model gave each of them ``(B, L)`` (0 after ``<eos>``).

        Raises:
            TypeError / ValueError: for bad ``src`` (see ``encode``), ids outside
                the target vocabulary or ``max_len`` below 1.
        """
        for name, value in (("bos_id", bos_id), ("eos_id", eos_id)):
            check_int(name, value, minimum=0, maximum=self.tgt_vocab_size - 1)
        max_len = check_int("max_len", max_len, minimum=1)
        _, c = self.encode(src)
        s = self.initial_state(c)
        y = torch.full((len(src), 1), bos_id, dtype=torch.int64, device=src.device)
        done = torch.zeros(len(src), dtype=torch.bool, device=src.device)
        tokens, probs = [], []
        for _ in range(max_len):
            logits, s = self.decode(y, s, c)
            p, y = logits[:, -1].softmax(-1).max(-1, keepdim=True)  # (B, 1) each
            tokens.append(y[:, 0].masked_fill(done, self.pad_id))
            probs.append(p[:, 0].masked_fill(done, 0.0))
            done |= y[:, 0] == eos_id
            if bool(done.all()):
                break
        return torch.stack(tokens, 1), torch.stack(probs, 1)
