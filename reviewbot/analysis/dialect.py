"""Written Cantonese folded to Mandarin (data/cantonese.toml), keeping the way back to the
customer's words: the lexicons are written once, in Mandarin, and a Hong Kong review
(啲嘢好難食，等咗好耐) should read as what it says."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from reviewbot.analysis.lexicon import DATA, trie_pattern
from reviewbot.analysis.normalize import Normalized


@cache
def _data(path: Path = DATA / "cantonese.toml") -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@cache
def _forms() -> tuple[re.Pattern[str], re.Pattern[str], dict]:
    data = _data()
    forms: dict[str, str] = data["forms"]
    markers = re.compile(f"[{re.escape(data['markers'])}]")
    words = re.compile(trie_pattern(sorted(forms, key=len, reverse=True)))
    return markers, words, forms


def cantonese_markers() -> str:
    """The characters that mark a text as written Cantonese."""
    return str(_data()["markers"])


def is_cantonese(text: str) -> bool:
    return _forms()[0].search(text) is not None


def fold_cantonese(normalized: Normalized) -> Normalized:
    """`normalized` with Cantonese forms replaced by Mandarin ones; a replacement longer or
    shorter than its source keeps pointing at the source's characters."""
    markers, words, forms = _forms()
    text = normalized.text
    if not markers.search(text):
        return normalized
    chars: list[str] = []
    source: list[int] = []
    at = 0
    for match in words.finditer(text):
        if not match.group():
            continue
        start, end = match.span()
        chars.append(text[at:start])
        source.extend(normalized.source[at:start])
        replacement = forms[match.group()]
        width = end - start
        for i, ch in enumerate(replacement):
            chars.append(ch)
            source.append(normalized.source[start + min(i * width // len(replacement), width - 1)])
        at = end
    chars.append(text[at:])
    source.extend(normalized.source[at:])
    return Normalized("".join(chars), tuple(source), normalized.original)
