"""One written form for every review before it is read, with a way back to the customer's words.

Reviews arrive in Traditional or Simplified characters, full-width or half-width, and
sometimes spaced out or split by symbols to slip past filters (删 评 给 钱, 加*微*信). The
lexicons and evidence patterns are written once, in Simplified, half-width, unspaced text;
`normalize` brings a review to that form and keeps, for each character, its position in
the original, so a span found in the folded text quotes what the customer actually wrote.

Traditional → Simplified uses OpenCC's maintained data (the `hk2s` set: it also knows the
Hong Kong variants); plain character tables get words like 乾 (干/乾隆) or 著 wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Script = Literal["zh-Hans", "zh-Hant"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
# Filler a writer puts between characters to split a word: spaces, dots, stars, bars.
_FILLER = frozenset(" \t\u3000·•*＊_-－~～|/\\.。、,，")
# A letter O or l written among digits (2OO, 1OO0) is a digit.
_DIGIT_LOOKALIKE = {"O": "0", "o": "0", "l": "1", "I": "1"}


@dataclass(frozen=True, slots=True)
class Normalized:
    """The folded text and, for each of its characters, the index of its source character."""

    text: str
    source: tuple[int, ...]
    original: str

    def span(self, start: int, end: int) -> str:
        """The customer's own words behind folded text[start:end]."""
        if start >= end or not self.source:
            return ""
        return self.original[self.source[start] : self.source[end - 1] + 1]


@lru_cache(maxsize=1)
def _converters() -> tuple[object, object]:
    import opencc  # imported on first use: classify's start-up does not pay for it

    return opencc.OpenCC("hk2s"), opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    """Traditional (including Hong Kong forms) to Simplified, one character for one."""
    if not _CJK.search(text):
        return text
    hk2s, _ = _converters()
    out = hk2s.convert(text)  # type: ignore[attr-defined]
    if len(out) == len(text):
        return out
    # A phrase rule changed the length: convert character by character so offsets hold.
    return "".join(hk2s.convert(ch) if _CJK.match(ch) else ch for ch in text)  # type: ignore[attr-defined]


def script_of(text: str) -> Script | None:
    """Traditional or Simplified: whichever has more characters of its own in the text.

    Most characters are shared by both scripts; only those that conversion changes count.
    A text with none of either (or no Chinese) has no script.
    """
    han = "".join(_CJK.findall(text))
    if not han:
        return None
    hk2s, s2t = _converters()
    simplified = hk2s.convert(han)  # type: ignore[attr-defined]
    traditional = s2t.convert(han)  # type: ignore[attr-defined]
    if len(simplified) != len(han) or len(traditional) != len(han):
        trad_only = sum(1 for ch in han if hk2s.convert(ch) != ch)  # type: ignore[attr-defined]
        simp_only = sum(1 for ch in han if s2t.convert(ch) != ch)  # type: ignore[attr-defined]
    else:
        trad_only = sum(a != b for a, b in zip(han, simplified, strict=True))
        simp_only = sum(a != b for a, b in zip(han, traditional, strict=True))
    return "zh-Hant" if trad_only > simp_only else "zh-Hans"


def language_of(text: str) -> str | None:
    """The review's language, from the letters it is written in: zh, ja, ko, en or None.

    Chinese wins whenever Chinese characters make up a fair share of the letters (a Chinese
    review naming a dish in English is still Chinese); a text of Latin words is English
    (the only Latin-script language our customers write in numbers worth a model).
    """
    han = len(_CJK.findall(text))
    kana = len(_KANA.findall(text))
    hangul = len(_HANGUL.findall(text))
    latin = sum(len(w) for w in _LATIN_WORD.findall(text))
    if kana and kana >= han / 4:
        return "ja"
    if hangul and hangul >= han:
        return "ko"
    if han and han * 2 >= latin / 2:
        return "zh"
    if latin >= 2:
        return "en"
    return None


def normalize(text: str) -> Normalized:
    """Fold width, script, filler between Chinese characters, and digit look-alikes."""
    chars: list[str] = []
    source: list[int] = []
    for index, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
        for piece in folded:
            chars.append(piece)
            source.append(index)
    folded_text = to_simplified("".join(chars))
    keep_chars: list[str] = []
    keep_source: list[int] = []
    n = len(folded_text)
    for i, ch in enumerate(folded_text):
        if ch in _FILLER and _between_han(folded_text, i, n):
            continue
        if ch in _DIGIT_LOOKALIKE and _in_number(folded_text, i):
            ch = _DIGIT_LOOKALIKE[ch]
        keep_chars.append(ch)
        keep_source.append(source[i])
    return Normalized("".join(keep_chars), tuple(keep_source), text)


def _between_han(text: str, i: int, n: int) -> bool:
    """True when filler at i sits inside a run of single Chinese characters (删 评 给 钱)."""
    before = i - 1
    while before >= 0 and text[before] in _FILLER:
        before -= 1
    after = i + 1
    while after < n and text[after] in _FILLER:
        after += 1
    if before < 0 or after >= n:
        return False
    if not (_CJK.match(text[before]) and _CJK.match(text[after])):
        return False
    # Ordinary prose puts punctuation after clauses; a spaced-out word puts filler after
    # nearly every character. Require filler on both sides of a neighbour as well.
    left = before - 1 >= 0 and text[before - 1] in _FILLER
    right = after + 1 < n and text[after + 1] in _FILLER
    return left or right


def _in_number(text: str, i: int) -> bool:
    """The look-alike at i is part of a number such as 2OO or 5O (a digit first, no other
    letters touching the run)."""
    j = i
    while j > 0 and (text[j - 1].isdigit() or text[j - 1] in _DIGIT_LOOKALIKE):
        j -= 1
    k = i
    while k + 1 < len(text) and (text[k + 1].isdigit() or text[k + 1] in _DIGIT_LOOKALIKE):
        k += 1
    if not text[j].isdigit():
        return False
    before = text[j - 1] if j > 0 else ""
    after = text[k + 1] if k + 1 < len(text) else ""
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())
