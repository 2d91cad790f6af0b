"""gates.py: a gate may only skip patterns that cannot match, so every answer must be the
answer of the plain search it stands in for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reviewbot.analysis.gates import AnyOf, literal_gate, required_literals, required_sets
from reviewbot.analysis.v1 import AnalyzerV1

DATA = Path(__file__).parent / "data"


def test_required_literals_of_a_sequence_keep_the_most_selective_run() -> None:
    assert required_literals("(你|你们)死定了") == frozenset({("死定了", False)})
    assert required_literals("拉横幅|不得好死") == frozenset(
        {("拉横幅", False), ("不得好死", False)}
    )
    # A class of a few characters stands for each of them (here 评 alone is fewer strings).
    assert required_literals("[删刪]评") == frozenset({("评", False)})
    assert required_literals("[删刪]") == frozenset({("删", False), ("刪", False)})
    assert required_literals("(好评)?") is None
    assert required_literals(r"\d+元") == frozenset({("元", False)})
    assert required_literals("(?i:pay me)") == frozenset({("pay me", True)})


def test_required_sets_are_one_per_part_every_match_goes_through() -> None:
    assert required_sets("(不|没)(我)?(退|赔)钱") == (
        frozenset({"不", "没"}),
        frozenset({"退", "赔"}),
        frozenset({"钱"}),
    )
    assert required_sets("(你|您)[^，]{0,2}死定了") == (
        frozenset({"你", "您"}),
        frozenset({"死定了"}),
    )
    assert required_sets(r"\d+元") == (frozenset({"元"}),)
    assert required_sets("(?i:pay) me") == (frozenset({" me"}),)  # no case-insensitive ones
    assert required_sets(r"\d+") == ()


def test_no_strings_means_no_gate() -> None:
    assert literal_gate(r"\d+") is None  # nothing literal in every match
    assert literal_gate("a*") is None  # matches the empty string
    assert required_literals(r"(ab)\1") is None  # refers back: not run in parts


@pytest.mark.parametrize(
    "patterns",
    [
        ["(你|你们)死定了", "拉横幅", r"\d+块", "(?i:\\bpay me\\b)", "(?<!不)删评"],
        ["(a)\\1", "xyz"],  # a back-reference: the whole alternation is searched
        ["[删刪]", "刪除|删掉", "(?:再)?(差评|差評)"],
        # case-insensitive strings with and without a Latin letter ($ needs none)
        ["(?i:\\$\\d+ or)", "(?i:gift ?card)", "(?i:=)"],
        # a pattern with strings of both cases, and one whose every part must be there
        ["删评|(?i:pay me)", "(不|没)(我)?(退|赔)钱"],
    ],
)
def test_any_of_answers_as_the_alternation(patterns: list[str]) -> None:
    texts = [
        "",
        "你们死定了",
        "你死定",
        "拉横幅去",
        "给200块就删",
        "PAY ME now",
        "repay meal",
        "不删评",
        "快删评",
        "aa",
        "ab xyz",
        "刪",
        "再差評",
        "差",
        "$500 OR else",
        "$500 or",
        "协商=转账",
        "GIFT CARD",
        "giftcard 给我",
        "不退钱",
        "没我赔钱",
        "不给钱",
        "退钱不",
    ]
    any_of = AnyOf({"g": patterns})
    whole = re.compile("|".join(f"(?:{p})" for p in patterns))
    for text in texts:
        assert ("g" in any_of.present(text)) == (whole.search(text) is not None), text


def _texts() -> list[str]:
    """The reviews of the check sets (not the staff replies of the guardrail sets: the
    malice pieces read reviews)."""
    texts = []
    dev = (DATA / "dev").rglob("*.jsonl")
    reviews = sorted(p for p in dev if not p.relative_to(DATA / "dev").parts[0].startswith("guard"))
    for path in sorted(DATA.glob("*.jsonl")) + reviews:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if isinstance(row.get("text"), str):
                    texts.append(row["text"])
    return texts


def test_malice_pieces_found_as_their_own_searches_find_them() -> None:
    """Every piece of data/malice.toml, on every review of the check sets (folded as the
    evidence search folds them): present exactly when the piece's own regex matches."""
    rules = AnalyzerV1().malice
    any_of = AnyOf(rules._patterns)
    pieces = {name: re.compile(pattern) for name, pattern in rules.pieces.items()}
    # every third review: each piece's regex on each text is the costliest check of the
    # suite's CPU-bound tail (15 s on half of them once the sets grew), and a third of the
    # sets' wordings still hold every piece many times over
    texts = [rules.fold(t).text for t in _texts()[::3]]
    assert len(texts) > 1500
    matched = 0
    for text in texts:
        present = any_of.present(text)
        expected = {name for name, regex in pieces.items() if regex.search(text)}
        assert present == expected, text
        matched += bool(expected)
    assert matched > 250  # the check is not vacuous
    for hurts, phrases in rules._any_phrase.items():
        gate = rules._phrase_gates[hurts]
        assert gate is not None
        for text in texts:
            if phrases.search(text):
                assert gate.search(text), text
