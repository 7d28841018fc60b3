"""A generated translation task: numbers in English words -> Chinese numerals.

``english_words(4005)`` is ``"four thousand and five"`` and
``chinese_numerals(4005)`` is ``"四千零五"``. Every pair is made by code from an
integer, so nothing is downloaded and every example is right. The rules:

- English (British usage): tens and units are hyphenated ("ninety-nine"); "and"
  joins "hundred" to a non-zero remainder ("one hundred and one"), and precedes a
  last group below 100 after a thousand or a million ("four thousand and five").
- Chinese: digits 零一二三四五六七八九 with the units 十, 百, 千 and 万 (10**4);
  a number of 10**4 or more is written in groups of four digits, "X万Y". One 零
  stands for each run of zeros between non-zero digits, and for the zeros that
  open a lower group ("一万零一"); zeros at the end are not read. 二 is used
  throughout (spoken Chinese often says 两 before 百, 千 and 万). A number that
  *starts* with 10..19 reads 十..十九 ("十五", "十万"); inside a number the digit
  one is written, 一十 ("一百一十", "一万零一十").

Sources are tokenised into words (hyphens split, "twenty-one" -> twenty, one),
targets into characters; ``ENGLISH_VOCAB`` and ``CHINESE_VOCAB`` map tokens to
ids, with the special tokens ``<pad>`` = 0, ``<bos>`` = 1, ``<eos>`` = 2.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from tutorial_utils.validate import check_int, check_seed, check_str, describe

__all__ = [
    "MAX_NUMBER", "PAD", "BOS", "EOS", "SPECIALS", "Vocab", "ENGLISH_VOCAB",
    "CHINESE_VOCAB", "english_words", "chinese_numerals", "english_tokens",
    "chinese_tokens", "parse_english", "NumberPairs", "NumberSplit", "encode_numbers",
    "make_number_pairs",
]  # fmt: skip

MAX_NUMBER = 10**8  # exclusive: 亿 (10**8) and "hundred million" are not needed
PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"
SPECIALS = (PAD, BOS, EOS)

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve "
    "thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Vocab:
    """Tokens and their ids; ids 0, 1, 2 are ``<pad>``, ``<bos>``, ``<eos>``.

    Example:
        >>> ENGLISH_VOCAB.encode(["four", "thousand"], eos=True)[-1]
        2

    Raises:
        TypeError: if ``tokens`` is not a tuple of str.
        ValueError: if it does not start with ``SPECIALS`` or repeats a token.
    """

    tokens: tuple[str, ...]
    stoi: dict[str, int] = field(init=False, repr=False, compare=False)
    pad_id, bos_id, eos_id = 0, 1, 2  # class constants, not fields

    def __post_init__(self) -> None:
        if not isinstance(self.tokens, tuple) or not all(
            isinstance(t, str) for t in self.tokens
        ):
            raise TypeError(
                f"tokens must be a tuple of str; got {describe(self.tokens)}"
            )
        if self.tokens[:3] != SPECIALS:
            raise ValueError(
                f"tokens must start with {SPECIALS}; got {self.tokens[:3]}"
            )
        if len(set(self.tokens)) != len(self.tokens):
            raise ValueError("tokens must be distinct; got repeated tokens")
        object.__setattr__(self, "stoi", {t: i for i, t in enumerate(self.tokens)})

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(
        self, tokens: Sequence[str], *, bos: bool = False, eos: bool = False
    ) -> list[int]:
        """Ids of ``tokens``, optionally framed by ``<bos>`` and ``<eos>``.

        Raises:
            TypeError: if ``tokens`` is a str or not a sequence of str.
            ValueError: if a token is not in the vocabulary (the message names it).
        """
        if isinstance(tokens, str) or not isinstance(tokens, Sequence):
            raise TypeError(
                f"tokens must be a list of str (tokenise text first); got "
                f"{describe(tokens)}"
            )
        unknown = [t for t in tokens if not isinstance(t, str) or t not in self.stoi]
        if unknown:
            known = ", ".join(t for t in self.tokens if t not in SPECIALS)
            raise ValueError(
                f"unknown token {unknown[0]!r}: the vocabulary holds {known}"
            )
        ids = [self.stoi[t] for t in tokens]
        return [self.bos_id] * bos + ids + [self.eos_id] * eos

    def decode(self, ids: Sequence[int] | torch.Tensor) -> list[str]:
        """Tokens of ``ids``, stopping at the first ``<eos>``; drops pad and bos.

        Raises:
            TypeError: if an id is not an integer.
            ValueError: if an id is outside ``[0, len(self))``.
        """
        values = ids.tolist() if isinstance(ids, torch.Tensor) else list(ids)
        out = []
        for i in values:
            if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
                raise TypeError(f"ids must be ints; got {describe(i)}")
            if not 0 <= i < len(self):
                raise ValueError(f"ids must be ints in [0, {len(self)}); got {i!r}")
            if i == self.eos_id:
                break
            if i not in (self.pad_id, self.bos_id):
                out.append(self.tokens[i])
        return out


ENGLISH_VOCAB = Vocab(SPECIALS + tuple(_ONES) + tuple(_TENS[2:]) + (
    "hundred", "thousand", "million", "and"))  # fmt: skip
CHINESE_VOCAB = Vocab(SPECIALS + tuple(_DIGITS) + tuple("十百千万"))


def _check_number(n: object) -> int:
    if isinstance(n, (int, np.integer)) and not isinstance(n, bool):
        if not 0 <= n < MAX_NUMBER:
            raise ValueError(f"n must be in [0, 10**8); got {n}")
        return int(n)
    raise TypeError(f"n must be an int in [0, 10**8); got {describe(n)}")


def _below_1000(n: int) -> list[str]:
    """Words of 1 <= n <= 999, e.g. 305 -> ['three hundred', 'and', 'five']."""
    hundreds, rest = divmod(n, 100)
    words = [f"{_ONES[hundreds]} hundred"] if hundreds else []
    if rest:
        words += ["and"] if hundreds else []
        tens, ones = divmod(rest, 10)
        if rest < 20:
            words.append(_ONES[rest])
        else:
            words.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    return words


def english_words(n: int) -> str:
    """``n`` in English words, British usage (see the module docstring).

    Example:
        >>> english_words(4005)
        'four thousand and five'

    Raises:
        TypeError: if ``n`` is not an int.
        ValueError: if ``n`` is outside ``[0, 10**8)``.
    """
    n = _check_number(n)
    if n == 0:
        return "zero"
    millions, thousands, units = n // 10**6, n // 1000 % 1000, n % 1000
    words = []
    for group, name in ((millions, " million"), (thousands, " thousand")):
        if group:
            *head, last = _below_1000(group)
            words += [*head, last + name]
    if units:
        words += ["and"] if n >= 1000 and units < 100 else []
        words += _below_1000(units)
    return " ".join(words)


def _group(g: int, *, first: bool) -> str:
    """Chinese numeral of 1 <= g <= 9999; ``first``: 10..19 start with bare 十."""
    out, zeros, started = [], False, False
    for char, unit in zip(f"{g:04d}", ("千", "百", "十", ""), strict=True):
        digit = int(char)
        if digit == 0:
            zeros = started  # a zero after a non-zero digit may need one 零
            continue
        if zeros:
            out.append("零")  # one 零 for the whole run of zeros
            zeros = False
        bare_ten = unit == "十" and digit == 1 and first and not started
        out.append(("" if bare_ten else _DIGITS[digit]) + unit)
        started = True
    return "".join(out)


def chinese_numerals(n: int) -> str:
    """``n`` in Chinese numerals (see the module docstring for the rules).

    Example:
        >>> chinese_numerals(4005), chinese_numerals(10010), chinese_numerals(15)
        ('四千零五', '一万零一十', '十五')

    Raises:
        TypeError: if ``n`` is not an int.
        ValueError: if ``n`` is outside ``[0, 10**8)``.
    """
    n = _check_number(n)
    if n == 0:
        return "零"
    high, low = divmod(n, 10**4)
    if high == 0:
        return _group(low, first=True)
    text = _group(high, first=True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + _group(low, first=False)
    return text


def english_tokens(text: str) -> list[str]:
    """Lower-case words of ``text``; hyphens and commas separate words.

    Example:
        >>> english_tokens("Twenty-One thousand, and five")
        ['twenty', 'one', 'thousand', 'and', 'five']

    Raises:
        TypeError: if ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {describe(text)}")
    return re.sub(r"[-,]", " ", text.lower()).split()


_VALUES = {w: i for i, w in enumerate(_ONES)} | {
    w: 10 * i for i, w in enumerate(_TENS) if i >= 2
}


def parse_english(text: str) -> int:
    """The number that ``text`` spells, if it is spelled as ``english_words`` does.

    Case, hyphens and commas do not matter ("Twenty one" works).

    Example:
        >>> parse_english("four thousand and five")
        4005

    Raises:
        TypeError: if ``text`` is not a str.
        ValueError: if a word is not a number word, or the words are not the
            canonical spelling of a number below 10**8 (the message names it).
    """
    words = english_tokens(text)
    if not words:
        raise ValueError("text must hold a number in words; got no words")
    ENGLISH_VOCAB.encode(words)  # names the first unknown word
    total, current = 0, 0
    for word in words:
        if word in _VALUES:
            current += _VALUES[word]
        elif word == "hundred":
            current *= 100
        elif word in ("thousand", "million"):
            total += current * (1000 if word == "thousand" else 10**6)
            current = 0
    n = total + current
    if n >= MAX_NUMBER:
        raise ValueError(f"{text!r} reads as {n}; the task stops below 10**8")
    if english_tokens(english_words(n)) != words:
        raise ValueError(
            f"{text!r} is not how this task spells a number; read as {n}, it is "
            f"spelled {english_words(n)!r}"
        )
    return n


def chinese_tokens(text: str) -> list[str]:
    """The characters of ``text`` without white space.

    Raises:
        TypeError: if ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {describe(text)}")
    return [c for c in text if not c.isspace()]


@dataclass(frozen=True)
class NumberPairs:
    """Encoded examples: ``src`` word ids (padded), ``tgt`` = <bos> chars <eos>.

    Attributes:
        numbers: the integers, int64 ``(N,)``.
        src: English word ids, int64 ``(N, S)``, ``<pad>`` after the last word.
        tgt: ``<bos>``, Chinese character ids, ``<eos>``, then ``<pad>``: ``(N, U)``.
            A decoder reads ``tgt[:, :-1]`` and is trained to predict ``tgt[:, 1:]``.
    """

    numbers: torch.Tensor
    src: torch.Tensor
    tgt: torch.Tensor

    def __len__(self) -> int:
        return len(self.numbers)

    def source_lengths(self) -> torch.Tensor:
        """Number of English words of each example, int64 ``(N,)``."""
        return (self.src != ENGLISH_VOCAB.pad_id).sum(1)


@dataclass(frozen=True)
class NumberSplit:
    """Train, validation and test examples whose numbers are disjoint."""

    train: NumberPairs
    val: NumberPairs
    test: NumberPairs


def _pad(rows: list[list[int]]) -> torch.Tensor:
    width = max(len(row) for row in rows)
    return torch.tensor([row + [0] * (width - len(row)) for row in rows])


def encode_numbers(numbers: Sequence[int]) -> NumberPairs:
    """English and Chinese forms of ``numbers``, encoded and padded.

    Example:
        >>> pairs = encode_numbers([5, 4005])
        >>> ENGLISH_VOCAB.decode(pairs.src[1]), CHINESE_VOCAB.decode(pairs.tgt[1])
        (['four', 'thousand', 'and', 'five'], ['四', '千', '零', '五'])

    Raises:
        TypeError: if ``numbers`` is not a sequence of ints.
        ValueError: if it is empty or a number is outside ``[0, 10**8)``.
    """
    if isinstance(numbers, torch.Tensor | np.ndarray):
        numbers = numbers.tolist()
    if isinstance(numbers, str) or not isinstance(numbers, Sequence):
        raise TypeError(f"numbers must be a sequence of int; got {describe(numbers)}")
    if len(numbers) == 0:
        raise ValueError("numbers must hold at least one number; got none")
    values = [_check_number(n) for n in numbers]
    src = [ENGLISH_VOCAB.encode(english_tokens(english_words(n))) for n in values]
    tgt = [
        CHINESE_VOCAB.encode(list(chinese_numerals(n)), bos=True, eos=True)
        for n in values
    ]
    return NumberPairs(torch.tensor(values), _pad(src), _pad(tgt))


def _draw(rng: np.random.Generator, total: int, high: int, spread: str) -> list[int]:
    """``total`` distinct numbers below ``high``, uniformly or evenly by digit count."""
    if spread == "uniform":
        return rng.choice(high, size=total, replace=False).tolist()
    # strata 0-9, 10-99, 100-999, ...; each gets an equal share of the draws, and
    # what a small stratum cannot supply goes to the larger ones
    bounds = [0] + [10**d for d in range(1, len(str(high - 1)))] + [high]
    strata = sorted(
        zip(bounds[:-1], bounds[1:], strict=True), key=lambda b: b[1] - b[0]
    )
    drawn, left = [], total
    for i, (low, stop) in enumerate(strata):
        take = min(stop - low, left // (len(strata) - i))
        drawn += (low + rng.choice(stop - low, size=take, replace=False)).tolist()
        left -= take
    return rng.permutation(drawn).tolist()


def make_number_pairs(
    n_train: int, n_val: int, n_test: int, *, high: int = 100_000,
    spread: str = "uniform", seed: int = 0,
) -> NumberSplit:  # fmt: skip
    """Draw distinct numbers from ``range(high)`` and split them three ways.

    No number is drawn twice, so no held-out number (validation or test) is ever
    a training number. ``spread="uniform"`` makes every number equally likely
    (most then have as many digits as ``high - 1``); ``spread="digits"`` gives
    every number of digits an equal share of the draws (short numbers, of which
    there are few, are all drawn first and their unused share goes to longer
    ones), so that inputs of every length are common.

    Example:
        >>> split = make_number_pairs(1000, 100, 100)
        >>> len(split.train), len(split.test)
        (1000, 100)

    Raises:
        TypeError: if an argument is not an int, or ``spread`` not a str.
        ValueError: if ``n_train`` < 1, ``n_val`` or ``n_test`` < 0, ``high`` is
            outside ``[1, 10**8]``, the three sizes add up to more than ``high``,
            ``spread`` is not "uniform" or "digits", or ``seed`` is outside
            ``[0, 2**32)``.
    """
    n_train = check_int("n_train", n_train, minimum=1)
    n_val = check_int("n_val", n_val, minimum=0)
    n_test = check_int("n_test", n_test, minimum=0)
    high = check_int("high", high, minimum=1, maximum=MAX_NUMBER)
    if check_str("spread", spread) not in ("uniform", "digits"):
        raise ValueError(f"spread must be 'uniform' or 'digits'; got {spread!r}")
    total = n_train + n_val + n_test
    if total > high:
        raise ValueError(
            f"n_train + n_val + n_test must be at most high ({high}) to draw "
            f"distinct numbers; got {total}"
        )
    drawn = _draw(np.random.default_rng(check_seed("seed", seed)), total, high, spread)
    parts = (
        drawn[:n_train],
        drawn[n_train : n_train + n_val],
        drawn[n_train + n_val :],
    )
    empty = NumberPairs(*(torch.zeros((0,) * k, dtype=torch.int64) for k in (1, 2, 2)))
    return NumberSplit(*(encode_numbers(p) if p else empty for p in parts))
