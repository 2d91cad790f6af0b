"""Where words begin, by jieba: so a rule can tell 请 (treat) in 我们请 from 请 in 申请.

jieba builds its prefix dictionary on first use (about a second), so it is imported and
initialised only when a text is first segmented, in a tokenizer of our own that no other
caller's `add_word` can change.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reviewbot.analysis.targets import tokenizer_copy


@lru_cache(maxsize=4)
def _tokenizer(words: tuple[str, ...]) -> Any:
    """A tokenizer with `words` added, on a copy of the dictionary read once per process."""
    tokenizer = tokenizer_copy()
    for word in words:
        tokenizer.add_word(word)
    return tokenizer


@lru_cache(maxsize=512)
def word_starts(text: str, words: tuple[str, ...] = ()) -> frozenset[int]:
    """The offsets in `text` at which jieba starts a word (every offset of a non-Chinese
    character counts as one, so digits and letters never hide a boundary). `words` are
    added to jieba's dictionary first: the caller's own vocabulary (这单, 饭钱) is never
    merged into a longer word (单算)."""
    starts = {start for _, start, _ in _tokenizer(words).tokenize(text)}
    starts.update(i for i, ch in enumerate(text) if not "\u3400" <= ch <= "\u9fff")
    starts.add(len(text))
    return frozenset(starts)


@lru_cache(maxsize=512)
def words_of(text: str) -> tuple[tuple[str, int, int], ...]:
    """jieba's words of `text` with where each begins and ends (a scorer's features)."""
    return tuple(_tokenizer(()).tokenize(text))
