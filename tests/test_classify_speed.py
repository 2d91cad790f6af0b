"""What keeps `reviewbot classify` fast, checked for what it must not change: the dict trie
finds the words the trie regex found, jieba is skipped only where it could find no target,
and `classify` starts without the modules it never uses."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reviewbot.analysis.lexicon import Matcher, trie_pattern
from reviewbot.analysis.targets import Segmenter

ROOT = Path(__file__).resolve().parents[1]
WORDS = ["不", "不好", "不好吃", "好吃", "吃", "难吃死了", "难吃", "死", "a", "ab", "abc"]
TEXTS = [
    "",
    "不好吃",
    "真不好",
    "难吃死",
    "难吃死了吧",
    "好吃不好吃",
    "abcab",
    "xaby",
    "不不好吃吃",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_matcher_finds_what_the_trie_regex_found(text: str) -> None:
    """Longest word at each position, non-overlapping (the trie regex's answer); `every`
    also the words inside and across others; `occurs` whether any is there."""
    matcher = Matcher({w: () for w in WORDS})
    regex = re.compile(trie_pattern(sorted(WORDS, key=len, reverse=True)))
    assert matcher.find(text) == [(m.start(), m.end(), m.group()) for m in regex.finditer(text)]
    inside = {w for w in WORDS if w in text}
    assert matcher.every(text) == inside
    assert matcher.occurs(text) == bool(inside)


def test_jieba_is_asked_only_where_a_noun_could_stand_beside_the_complaint() -> None:
    segmenter = Segmenter()
    asked: list[str] = []
    nouns = segmenter.nouns

    def spy(text: str):
        asked.append(text)
        return nouns(text)

    segmenter.nouns = spy  # type: ignore[method-assign]
    assert segmenter.nouns_beside("太咸了", 1, 2) == ()  # 太 and 了 are no nouns
    assert asked == []
    found = segmenter.nouns_beside("鱼片有腥味", 3, 5)
    assert asked == ["鱼片有腥味"] and (0, 2, "鱼片") in found
    del segmenter.nouns
    # a store's dish beside the words counts, even one jieba's dictionary lacks
    segmenter.add_words(["老街坊拼盘"])
    assert (0, 5, "老街坊拼盘") in segmenter.nouns_beside("老街坊拼盘有点咸", 7, 8)


def test_classify_starts_without_config_reply_engine_or_asyncio() -> None:
    script = (
        "import sys; from reviewbot.app.cli import main; sys.argv = ['reviewbot', 'classify'];"
        " code = main(); loaded = [m for m in ('reviewbot.config', 'reviewbot.replies.engine',"
        " 'reviewbot.replies.guardrails', 'reviewbot.sourceconfig', 'asyncio')"
        " if m in sys.modules];"
        " print(json.dumps(loaded), file=sys.stderr); sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import json; " + script],
        input='{"id": 1, "text": "太难吃了", "rating": 1}\n'.encode(),
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    assert json.loads(done.stdout)["negative"] is True
    assert json.loads(done.stderr.splitlines()[-1]) == []


@pytest.mark.slow
def test_jiebas_cache_read_whole_is_the_dictionary_jieba_reads(tmp_path, monkeypatch) -> None:
    from reviewbot.analysis import targets

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    targets._dictionary.cache_clear()
    try:
        built = targets._dictionary()  # no cache yet: jieba reads its dictionary, writes one
        assert (tmp_path / "reviewbot" / targets.JIEBA_CACHE).exists()
        targets._dictionary.cache_clear()
        read = targets._dictionary()  # from that cache, read whole
        assert read is not built and read.FREQ == built.FREQ and read.total == built.total
    finally:
        targets._dictionary.cache_clear()


def test_complaint_patterns_run_only_when_each_part_has_a_word_there() -> None:
    from reviewbot.analysis.complaints import _anchors

    assert _anchors("(肉|菜)(太|很)少") == (
        frozenset({"肉", "菜"}),
        frozenset({"太", "很"}),
        frozenset({"少"}),
    )
    # words that may come in any case are never looked up as they are written
    assert _anchors("(?i)cold food") == ()
    assert frozenset({"cold"}) not in _anchors("(?i:cold) 难吃")
