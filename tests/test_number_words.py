from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from tutorial_utils.number_words import (
    CHINESE_VOCAB,
    ENGLISH_VOCAB,
    MAX_NUMBER,
    SPECIALS,
    Vocab,
    chinese_numerals,
    chinese_tokens,
    encode_numbers,
    english_tokens,
    english_words,
    make_number_pairs,
    parse_english,
)

KNOWN = [  # (n, English, Chinese), written by hand
    (0, "zero", "零"),
    (7, "seven", "七"),
    (10, "ten", "十"),
    (11, "eleven", "十一"),
    (19, "nineteen", "十九"),
    (20, "twenty", "二十"),
    (21, "twenty-one", "二十一"),
    (99, "ninety-nine", "九十九"),
    (100, "one hundred", "一百"),
    (101, "one hundred and one", "一百零一"),
    (110, "one hundred and ten", "一百一十"),
    (115, "one hundred and fifteen", "一百一十五"),
    (200, "two hundred", "二百"),
    (1000, "one thousand", "一千"),
    (1001, "one thousand and one", "一千零一"),
    (1010, "one thousand and ten", "一千零一十"),
    (1100, "one thousand one hundred", "一千一百"),
    (1234, "one thousand two hundred and thirty-four", "一千二百三十四"),
    (4005, "four thousand and five", "四千零五"),
    (10000, "ten thousand", "一万"),
    (10001, "ten thousand and one", "一万零一"),
    (10010, "ten thousand and ten", "一万零一十"),
    (10100, "ten thousand one hundred", "一万零一百"),
    (11000, "eleven thousand", "一万一千"),
    (20020, "twenty thousand and twenty", "二万零二十"),
    (30500, "thirty thousand five hundred", "三万零五百"),
    (99999, "ninety-nine thousand nine hundred and ninety-nine", "九万九千九百九十九"),
    (100000, "one hundred thousand", "十万"),
    (150000, "one hundred and fifty thousand", "十五万"),
    (1000001, "one million and one", "一百万零一"),
    (1001000, "one million one thousand", "一百万一千"),
    (10100000, "ten million one hundred thousand", "一千零一十万"),
    (20050000, "twenty million fifty thousand", "二千零五万"),
    (
        99999999,
        "ninety-nine million nine hundred and ninety-nine thousand nine hundred "
        "and ninety-nine",
        "九千九百九十九万九千九百九十九",
    ),
]

# Independent parsers, written here without the module's helpers.
_EN = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen".split()
)}  # fmt: skip
_EN |= {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split()
)}  # fmt: skip


def reparse_english(text: str) -> int:
    total, current = 0, 0
    for word in text.replace("-", " ").split():
        if word in _EN:
            current += _EN[word]
        elif word == "hundred":
            current *= 100
        elif word in ("thousand", "million"):
            total += current * (1000 if word == "thousand" else 10**6)
            current = 0
        elif word != "and":
            raise ValueError(word)
    return total + current


def reparse_chinese(text: str) -> int:
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    units = {"十": 10, "百": 100, "千": 1000}
    total, section, digit = 0, 0, None
    for c in text:
        if c in digits:
            digit = digits[c]
        elif c in units:
            section += (1 if digit is None else digit) * units[c]
            digit = None
        elif c == "万":
            total += (section + (digit or 0)) * 10**4
            section, digit = 0, None
        else:
            raise ValueError(c)
    return total + section + (digit or 0)


@pytest.mark.parametrize(("n", "english", "chinese"), KNOWN)
def test_known_cases(n: int, english: str, chinese: str) -> None:
    assert english_words(n) == english
    assert chinese_numerals(n) == chinese
    assert reparse_english(english) == reparse_chinese(chinese) == n


def test_every_number_below_100000_round_trips() -> None:
    for n in range(100_000):
        english, chinese = english_words(n), chinese_numerals(n)
        assert reparse_english(english) == n, (n, english)
        assert reparse_chinese(chinese) == n, (n, chinese)


def test_large_numbers_round_trip_and_stay_canonical() -> None:
    rng = np.random.default_rng(0)
    for n in [*rng.integers(0, MAX_NUMBER, 20_000).tolist(), MAX_NUMBER - 1]:
        english, chinese = english_words(n), chinese_numerals(n)
        assert reparse_english(english) == n and reparse_chinese(chinese) == n, n
        # one 零 per zero run, none at the end (except zero itself)
        assert "零零" not in chinese and (n == 0 or not chinese.endswith("零"))
        assert not chinese.startswith("一十")  # a leading ten is bare 十
        assert "  " not in english and not english.startswith("and")


def test_chinese_grammar_rules_on_every_small_number() -> None:
    for n in range(100_000):
        chinese = chinese_numerals(n)
        # 一十 appears exactly when a 1 in the tens place follows a higher digit
        tens_one = n % 100 // 10 == 1 and n >= 100
        assert ("一十" in chinese) == tens_one, (n, chinese)
        # one 零 per run of zeros between non-zero digits (below 10**5 the
        # 万 group is one digit, so the decimal string shows every such run)
        internal_runs = len(re.findall(r"0+(?=[1-9])", str(n)))
        assert chinese.count("零") == internal_runs + (n == 0), (n, chinese)
        # a lower group below 1000 after 万 is introduced by 零
        if n >= 10**4 and 0 < n % 10**4 < 1000:
            assert chinese.split("万")[1].startswith("零"), (n, chinese)


def test_english_and_rule_on_every_small_number() -> None:
    # below 100,000 the thousands group has no hundreds, so "and" appears at most
    # once: right before the last one or two digits' word, when there is one
    for n in range(100_000):
        words = english_words(n).split()
        has_and = n >= 100 and n % 100 != 0
        assert words.count("and") == has_and, (n, words)
        if has_and:
            assert words[-2] == "and", (n, words)


def test_vocab_covers_every_example_and_round_trips() -> None:
    pairs = encode_numbers(list(range(0, 100_000, 37)))
    for n, src, tgt in zip(pairs.numbers, pairs.src, pairs.tgt, strict=True):
        assert ENGLISH_VOCAB.decode(src) == english_tokens(english_words(int(n)))
        assert "".join(CHINESE_VOCAB.decode(tgt)) == chinese_numerals(int(n))
        assert tgt[0] == CHINESE_VOCAB.bos_id
        assert (tgt == CHINESE_VOCAB.eos_id).sum() == 1
    lengths = pairs.source_lengths()
    assert torch.equal(
        lengths,
        torch.tensor(
            [len(english_tokens(english_words(int(n)))) for n in pairs.numbers]
        ),
    )
    assert (pairs.src[torch.arange(len(pairs)), lengths - 1] != 0).all()


def test_split_is_disjoint_sized_and_seeded() -> None:
    split = make_number_pairs(3000, 500, 700, seed=3)
    sets = [set(part.numbers.tolist()) for part in (split.train, split.val, split.test)]
    assert [len(s) for s in sets] == [3000, 500, 700]  # distinct within each part
    assert (
        not (sets[0] & sets[1]) and not (sets[0] & sets[2]) and not (sets[1] & sets[2])
    )
    assert all(0 <= n < 100_000 for s in sets for n in s)
    again = make_number_pairs(3000, 500, 700, seed=3)
    assert torch.equal(again.test.src, split.test.src)
    other = make_number_pairs(3000, 500, 700, seed=4)
    assert not torch.equal(other.test.numbers, split.test.numbers)
    whole = make_number_pairs(80, 10, 10, high=100)
    assert sorted(
        whole.train.numbers.tolist() + whole.val.numbers.tolist()
        + whole.test.numbers.tolist()
    ) == list(range(100))  # fmt: skip
    assert len(make_number_pairs(5, 0, 0).val) == 0


def test_tokens() -> None:
    assert english_tokens(" Twenty-One thousand,  and FIVE ") == [
        "twenty", "one", "thousand", "and", "five",
    ]  # fmt: skip
    assert chinese_tokens("四千 零五") == ["四", "千", "零", "五"]
    assert ENGLISH_VOCAB.tokens[:3] == CHINESE_VOCAB.tokens[:3] == SPECIALS
    assert ENGLISH_VOCAB.encode(["five"], bos=True, eos=True) == [
        1,
        ENGLISH_VOCAB.stoi["five"],
        2,
    ]
    assert CHINESE_VOCAB.decode([1, 4, 13, 2, 5]) == ["一", "十"]  # stops at <eos>


@pytest.mark.parametrize("bad", [-1, MAX_NUMBER, 10**9])
def test_numbers_out_of_range(bad: int) -> None:
    for fn in (english_words, chinese_numerals):
        with pytest.raises(
            ValueError, match=re.escape(f"n must be in [0, 10**8); got {bad}")
        ):
            fn(bad)


@pytest.mark.parametrize("bad", [1.0, "5", True, None])
def test_numbers_must_be_ints(bad: object) -> None:
    for fn in (english_words, chinese_numerals):
        with pytest.raises(TypeError, match="n must be an int in"):
            fn(bad)  # type: ignore[arg-type]
    assert english_words(np.int64(12)) == "twelve"


def test_vocab_errors() -> None:
    with pytest.raises(
        ValueError, match="unknown token 'fourty': the vocabulary holds zero"
    ):
        ENGLISH_VOCAB.encode(english_tokens("fourty two"))
    with pytest.raises(TypeError, match="tokens must be a list of str"):
        ENGLISH_VOCAB.encode("five")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"ids must be ints in \[0, 17\); got 17"):
        CHINESE_VOCAB.decode([17])
    with pytest.raises(TypeError, match="ids must be ints; got float 1.0"):
        CHINESE_VOCAB.decode([1.0])
    assert CHINESE_VOCAB.decode(np.array([4, 13])) == ["一", "十"]
    assert CHINESE_VOCAB.decode([np.int64(4)]) == ["一"]
    with pytest.raises(ValueError, match="tokens must start with"):
        Vocab(("a", "b", "c"))
    with pytest.raises(ValueError, match="tokens must be distinct"):
        Vocab((*SPECIALS, "a", "a"))
    with pytest.raises(TypeError, match="text must be a str"):
        english_tokens(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="text must be a str"):
        chinese_tokens(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_train": 0}, ValueError, "n_train must be at least 1; got 0"),
        ({"n_val": -1}, ValueError, "n_val must be at least 0; got -1"),
        ({"n_test": 1.5}, TypeError, "n_test must be an int; got float 1.5"),
        ({"high": 0}, ValueError, "high must be at least 1; got 0"),
        ({"high": MAX_NUMBER + 1}, ValueError, "high must be at most 100000000"),
        ({"high": 50}, ValueError, r"must be at most high \(50\) to draw distinct"),
        ({"seed": -1}, ValueError, r"seed must be in \[0, 2\*\*32\); got -1"),
    ],
)
def test_split_errors(kwargs: dict, error: type, message: str) -> None:
    arguments = {"n_train": 40, "n_val": 10, "n_test": 10, **kwargs}
    with pytest.raises(error, match=message):
        make_number_pairs(
            arguments.pop("n_train"), arguments.pop("n_val"), arguments.pop("n_test"),
            **arguments,
        )  # fmt: skip


def test_encode_numbers_errors() -> None:
    with pytest.raises(ValueError, match="numbers must hold at least one number"):
        encode_numbers([])
    with pytest.raises(TypeError, match="numbers must be a sequence of int"):
        encode_numbers(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape("n must be in [0, 10**8); got -3")):
        encode_numbers([1, -3])
    assert torch.equal(
        encode_numbers(torch.tensor([3, 4])).numbers, torch.tensor([3, 4])
    )


def test_parse_english_inverts_english_words() -> None:
    rng = np.random.default_rng(1)
    for n in [*range(0, 100_000, 13), *rng.integers(0, MAX_NUMBER, 2000).tolist()]:
        assert parse_english(english_words(n)) == n
    assert parse_english("  Twenty One thousand, and FIVE") == 21005


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fourty two", "unknown token 'fourty'"),
        ("", "got no words"),
        ("one hundred one", "'one hundred one' is not how this task spells a number; "
         "read as 101, it is spelled 'one hundred and one'"),
        ("nine hundred million", "reads as 900000000; the task stops below 10\\*\\*8"),
    ],
)  # fmt: skip
def test_parse_english_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_english(text)
    with pytest.raises(TypeError, match="text must be a str"):
        parse_english(4005)  # type: ignore[arg-type]
