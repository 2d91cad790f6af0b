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
from pathlib import Path
from typing import Literal

Script = Literal["zh-Hans", "zh-Hant"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_OTHER_LETTERS = re.compile(r"[A-Za-z\u3040-\u30ff\uac00-\ud7af]")
# Filler a writer puts between characters to split a word: spaces, dots, stars, bars.
_FILLER = frozenset(" \t\u3000·•*＊_-－~～|/\\.。、,，")
# ...but a full stop ends a sentence, and a one-character sentence (行。好，) is no spaced-out
# word: joining it would run two sentences into one (…是我自己放的。行，你们给我等着).
_SENTENCE_END = frozenset("。")
# A letter O or l written among digits (2OO, 1OO0) is a digit.
_DIGIT_LOOKALIKE = {"O": "0", "o": "0", "l": "1", "I": "1"}
# Cheap tests that the character loop has anything to do: filler is only dropped around a
# Chinese character with filler on both sides (see _between_han), look-alikes next to digits.
_FILLER_CLASS = "[" + re.escape("".join(sorted(_FILLER))) + "]"
_MAYBE_SPLIT = re.compile(f"{_FILLER_CLASS}[\u3400-\u9fff\uf900-\ufaff]{_FILLER_CLASS}")
_MAYBE_LOOKALIKE = re.compile("[0-9][OolI]|[OolI][0-9]")


@dataclass(frozen=True, slots=True)
class Normalized:
    """The folded text and, for each of its characters, the index of its source character."""

    text: str
    source: tuple[int, ...]
    original: str

    def span(self, start: int, end: int) -> str:
        """The customer's own words behind folded text[start:end]; a fold that made two
        characters one (边个 → 谁) ends at the last of them."""
        if start >= end or not self.source:
            return ""
        stop = self.source[end - 1] + 1
        if end < len(self.source):
            after = self.source[end]
            if after > stop and all(ch.isalnum() for ch in self.original[stop:after]):
                stop = after
        return self.original[self.source[start] : stop]


@lru_cache(maxsize=2)
def _converter(config: str) -> object:
    """OpenCC's converter, loaded on first use: classify's start-up does not pay for it, and
    reading a review loads hk2s only (s2t, for build_script_table, takes 15 times longer)."""
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional (including Hong Kong forms) to Simplified, one character for one."""
    if not _script_chars()[0].search(text):
        return text  # nothing to convert: OpenCC is never loaded for Simplified text
    hk2s = _converter("hk2s")
    out = hk2s.convert(text)  # type: ignore[attr-defined]
    if len(out) == len(text):
        return out
    # A phrase rule changed the length: convert character by character so offsets hold.
    return "".join(hk2s.convert(ch) if _CJK.match(ch) else ch for ch in text)  # type: ignore[attr-defined]


SCRIPT_TABLE = Path(__file__).with_name("data") / "script_chars.txt"


@lru_cache(maxsize=1)
def _script_chars() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Characters only Traditional text uses, and those only Simplified text uses: OpenCC's
    own judgement (`build_script_table`), shipped as data so that telling the scripts apart
    needs no converter (loading OpenCC takes half a second)."""
    lines = SCRIPT_TABLE.read_text(encoding="utf-8").splitlines()
    table = dict(line.split("\t", 1) for line in lines if "\t" in line)
    return (
        re.compile(f"[{re.escape(table['traditional'])}]"),
        re.compile(f"[{re.escape(table['simplified'])}]"),
    )


# Characters written Cantonese uses as its own though OpenCC reads them as Simplified forms
# (the particle 晒 of 淋晒, 凍晒: not 曬): they tell no script apart.
CANTONESE_OWN = "晒"


def build_script_table() -> str:
    """The contents of data/script_chars.txt, from the installed OpenCC data: every CJK
    character that hk2s changes (Traditional only) and that s2t changes (Simplified only)."""
    hk2s, s2t = _converter("hk2s"), _converter("s2t")
    chars = [
        chr(c)
        for start, end in ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
        for c in range(start, end)
    ]
    joined = "\n".join(chars)
    simplified = hk2s.convert(joined).split("\n")  # type: ignore[attr-defined]
    traditional = s2t.convert(joined).split("\n")  # type: ignore[attr-defined]
    trad = "".join(c for c, s in zip(chars, simplified, strict=True) if s != c)
    simp = "".join(
        c for c, t in zip(chars, traditional, strict=True) if t != c and c not in CANTONESE_OWN
    )
    return (
        "# Generated by reviewbot.analysis.normalize.build_script_table from OpenCC's data.\n"
        f"traditional\t{trad}\nsimplified\t{simp}\n"
    )


def script_of(text: str) -> Script | None:
    """Traditional or Simplified: whichever has more characters of its own in the text.

    Most characters are shared by both scripts; only those that conversion changes count.
    A text with no Chinese has no script; one with Chinese but neither kind is Simplified.
    """
    if not _CJK.search(text):
        return None
    trad, simp = _script_chars()
    if trad.search(text) is None:  # most reviews: no Traditional-only character, no counting
        return "zh-Hans"
    return "zh-Hant" if len(trad.findall(text)) > len(simp.findall(text)) else "zh-Hans"


def language_of(text: str) -> str | None:
    """The review's language, from the letters it is written in: zh, ja, ko, en or None.

    Chinese wins whenever Chinese characters make up a fair share of the letters (a Chinese
    review naming a dish in English is still Chinese); a text of Latin words is English
    (the only Latin-script language our customers write in numbers worth a model).
    """
    if not _OTHER_LETTERS.search(text):  # most reviews: one search, no counting
        return "zh" if _CJK.search(text) else None
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
    whole = unicodedata.normalize("NFKC", text)
    if len(whole) == len(text):  # one character for one (nearly every review): no loop
        chars, source = whole, tuple(range(len(text)))
    else:
        pieces: list[str] = []
        positions: list[int] = []
        for index, ch in enumerate(text):
            folded = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
            for piece in folded:
                pieces.append(piece)
                positions.append(index)
        chars, source = "".join(pieces), tuple(positions)
    folded_text = to_simplified(chars)
    if not _MAYBE_SPLIT.search(folded_text) and not _MAYBE_LOOKALIKE.search(folded_text):
        return Normalized(folded_text, source, text)
    keep_chars: list[str] = []
    keep_source: list[int] = []
    n = len(folded_text)
    for i, ch in enumerate(folded_text):
        if ch in _FILLER and ch not in _SENTENCE_END and _between_han(folded_text, i, n):
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
