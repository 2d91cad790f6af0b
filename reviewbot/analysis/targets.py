"""What a complaint is about: the noun of its clause, found with jieba.

jieba is only used here, on the clauses of complaints that neither a pattern, nor the
store's menu, nor a person's role already gave a target: the sentiment model and the
lexicon reading never wait for it, and a run of `reviewbot classify` on reviews without
complaints never loads it.

Cost, kept down three ways (figures in docs/classifier.md):
- jieba is imported and its dictionary loaded on the first clause that needs it, from
  jieba's own marshal cache, kept in the user's cache directory so it survives /tmp;
- part-of-speech tags come from jieba's dictionary (a noun set built once and cached
  beside it), not from jieba.posseg, whose HMM tables alone take most of a second to load;
- segmentation runs without the HMM (unknown words stay unsplit characters; a store's
  dishes are added as user words so they come out whole).
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import os
import sys
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

# Noun tags of jieba's dictionary: dishes are often tagged nr or nz; ns (places) is left
# out, it holds words such as 咸.
NOUN_TAGS = frozenset({"n", "nz", "ng", "nr", "nrt", "nrfg", "vn"})
# User words beyond this many (every store's menu) are not added: jieba keeps them forever.
MAX_USER_WORDS = 50_000
USER_WORD_FREQ = 2000  # high enough that a dish name is cut whole (锅包肉 not 锅包 + 肉)
JIEBA_CACHE = "jieba.cache"  # the name jieba gives the cache of its default dictionary

_lock = threading.Lock()
log = logging.getLogger(__name__)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reviewbot"


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    """jieba with its dictionary read, once per process (0.25 s from its cache file)."""
    # jieba imports pkg_resources only to open its own files (0.4 s, deprecated);
    # without it, it opens them directly.
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tokenizer.tmp_dir = str(folder)
    except OSError:
        pass  # jieba falls back to the system's temporary directory
    try:
        # jieba's own cache of its default dictionary, which jieba reads with marshal.load
        # on the open file, a few bytes per call: read whole, it loads in a third of the time
        tokenizer.FREQ, tokenizer.total = marshal.loads((folder / JIEBA_CACHE).read_bytes())
        tokenizer.initialized = True
    except (OSError, ValueError, EOFError, TypeError):
        tokenizer.initialize()  # reads the dictionary and writes that cache
    return tokenizer


def tokenizer_copy() -> Any:
    """A jieba tokenizer of its own (words added to it change no other), on a copy of the
    dictionary read once (10 ms) instead of reading it again: word boundaries
    (segment.py) and targets each had theirs, and one per store vocabulary."""
    base = _dictionary()  # first: it imports jieba without pkg_resources
    tokenizer = type(base)()
    tokenizer.FREQ, tokenizer.total = dict(base.FREQ), base.total
    tokenizer.initialized = True
    return tokenizer


@lru_cache(maxsize=1)
def food_words() -> tuple[str, ...]:
    """Dishes and ingredients jieba lacks (data/food_words.txt), cut whole for every store."""
    text = (Path(__file__).with_name("data") / "food_words.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


class Segmenter:
    """jieba, loaded on first use, with the nouns of its dictionary."""

    def __init__(self) -> None:
        self._tokenizer: Any = None
        self._nouns: frozenset[str] = frozenset()
        self._longest = 0  # characters of the longest noun or store word
        self._user: set[str] = set()
        self._broken = False
        self._pending: dict[str, None] = {}  # words to add once jieba is loaded

    @property
    def loaded(self) -> bool:
        return self._tokenizer is not None

    def _load(self) -> None:
        with _lock:
            if self._tokenizer is not None:
                return
            tokenizer = tokenizer_copy()
            folder = cache_dir()
            import jieba  # already imported by tokenizer_copy()

            self._nouns = _noun_set(Path(jieba.__file__).with_name("dict.txt"), folder)
            self._longest = max(map(len, self._nouns), default=0)
            self._tokenizer = tokenizer
            self._add(food_words())
            self._add(self._pending)
            self._pending.clear()

    def add_words(self, words: Iterable[str]) -> None:
        """A store's own words (menu, terms) as nouns jieba cuts whole."""
        new = [w for w in words if w and w not in self._user]
        if not new:
            return
        with _lock:
            if self._tokenizer is None:  # added when jieba is first needed
                room = MAX_USER_WORDS - len(self._pending)
                self._pending.update(dict.fromkeys(new[: max(room, 0)]))
                return
            self._add(new)
        self.nouns.cache_clear()

    def _add(self, words: Iterable[str]) -> None:
        for word in words:
            if len(self._user) >= MAX_USER_WORDS:
                return
            if word not in self._user:
                self._tokenizer.add_word(word, USER_WORD_FREQ)
                self._user.add(word)
                self._longest = max(self._longest, len(word))

    def _ready(self) -> bool:
        """Whether jieba is loaded, loading it if need be; False if it cannot be (a
        complaint then simply has no target: the review is still analysed)."""
        if self._tokenizer is not None:
            return True
        if self._broken:
            return False
        try:
            self._load()
        except (ImportError, OSError, ValueError) as exc:
            self._broken = True
            log.warning("jieba unavailable, complaints get no noun targets: %s", exc)
            return False
        return True

    def nouns_beside(self, text: str, start: int, end: int) -> tuple[tuple[int, int, str], ...]:
        """The nouns of `text`, for a target beside text[start:end] (a complaint's own
        words): none, without asking jieba (26 µs a clause), when no noun of the dictionary
        or the store is a substring of what stands before or after those words (太咸了):
        every noun jieba finds there is one, or is made of them (宫保鸡|丁)."""
        if not self._ready():
            return ()
        start, end = max(0, start), max(0, end)
        if not (self._holds_noun(text[:start]) or self._holds_noun(text[end:])):
            return ()
        return self.nouns(text)

    def _holds_noun(self, text: str) -> bool:
        nouns, user = self._nouns, self._user
        n = len(text)
        for i in range(n):
            for j in range(i + 1, min(n, i + self._longest) + 1):
                if text[i:j] in nouns or text[i:j] in user:
                    return True
        return False

    @lru_cache(maxsize=2048)  # noqa: B019 (one Segmenter per process)
    def nouns(self, text: str) -> tuple[tuple[int, int, str], ...]:
        """The nouns of `text` as (start, end, word); none if jieba cannot be loaded."""
        if not self._ready():
            return ()
        out: list[tuple[int, int, str]] = []
        at = 0
        for word in self._tokenizer.cut(text, HMM=False):
            end = at + len(word)
            if word in self._nouns or word in self._user:
                if len(word) == 1 and out and out[-1][1] == at:
                    # A one-character noun right after a noun ends a compound the
                    # dictionary lacks: 宫保鸡|丁 is the dish 宫保鸡丁, 牛肉|面 is 牛肉面.
                    start, _, before = out.pop()
                    out.append((start, end, before + word))
                else:
                    out.append((at, end, word))
            at = end
        return tuple(out)


def _noun_set(dictionary: Path, folder: Path) -> frozenset[str]:
    cached = folder / f"jieba-nouns-{dictionary.stat().st_size}.marshal"
    try:
        return frozenset(marshal.loads(cached.read_bytes()))
    except (OSError, ValueError, EOFError):
        pass
    nouns = []
    with dictionary.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and parts[2] in NOUN_TAGS:
                nouns.append(parts[0])
    with contextlib.suppress(OSError):
        cached.write_bytes(marshal.dumps(nouns))
    return frozenset(nouns)


SEGMENTER = Segmenter()
