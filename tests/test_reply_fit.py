"""A draft always fits its platform's length limit (Meituan and Ele.me: 300 characters).

When no rung of the compression ladder fits, the last resorts (answers.last_resorts) still
answer every point: the rest named together by kind, the first point in its fewest words,
the apology and the contact kept. The property is drawn from the opened reply sets'
reviews (Simplified, Traditional, English), alone and run together into many-complaint
reviews, with the example store's long facts (signature, contact) from config.example.toml.
"""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewbot.analysis.base import ReviewText
from reviewbot.replies.answers import ENGLISH, kind_names, last_resorts
from reviewbot.replies.guardrails import ReplyLimits, check_reply
from reviewbot.replies.templates import load_library
from tests.replies_support import example_engine as engine
from tests.replies_support import example_store as store

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
OPENED = [
    DATA / "blind7" / "reply_reviews" / "set.jsonl",
    DATA / "blind8" / "reply_reviews" / "set.jsonl",
    *sorted((DATA / "dev").glob("reply_reviews*.jsonl")),
]
LIMIT = ReplyLimits(max_chars=300)


@cache
def reviews() -> tuple[str, ...]:
    texts = []
    for path in OPENED:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return tuple(texts)


def drafted(text: str, rating: int | None, key: str):
    analyzer, drafter = engine()
    review = ReviewText(key, text, rating, "meituan")
    analysis = analyzer.analyze(review)
    return review, analysis, drafter.draft(review, analysis, store(), limits=LIMIT)


def fits(text: str, rating: int | None, key: str) -> None:
    review, analysis, draft = drafted(text, rating, key)
    if draft.needs_person:
        return
    assert len(draft.text) <= LIMIT.max_chars, draft.text
    assert not draft.violations, draft.violations
    found = check_reply(
        draft.text,
        review=review,
        analysis=analysis,
        store=store(),
        platform_limits=LIMIT,
        quotes=draft.quotes,
    )
    assert not found, (draft.text, found)


many = st.lists(st.integers(0, 10**6), min_size=1, max_size=5)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(many, st.sampled_from([1, 2, 3, None]), st.sampled_from([" ", "", "\n"]))
def test_every_draft_of_many_complaints_fits_300_and_passes_the_guardrails(
    picks: list[int], rating: int | None, joint: str
) -> None:
    texts = reviews()
    text = joint.join(texts[i % len(texts)] for i in picks)
    fits(text, rating, f"fit-{'-'.join(map(str, picks))}")


def test_the_longest_many_complaint_reviews_of_each_script_fit_300() -> None:
    # The worst cases rather than a sample: the five longest reviews of each script run
    # together (every kind of point at once), English and Chinese.
    texts = reviews()
    english = sorted((t for t in texts if t.isascii()), key=len)[-5:]
    chinese = sorted((t for t in texts if not t.isascii()), key=len)[-5:]
    for index, group in enumerate((english, chinese)):
        fits(" ".join(group), 1, f"longest-{index}")
    rng = random.Random(7)
    for index in range(10):
        fits(" ".join(rng.sample([t for t in texts if t.isascii()], 4)), 1, f"en-{index}")


def test_an_english_review_too_long_to_answer_quoted_keeps_apology_ack_and_contact() -> None:
    text = (
        "Found a long piece of plastic wrap in my curry, and when I messaged nobody answered "
        "for two days. The rice was also hard, the naan was cold and soggy, the driver was "
        "rude, the bag was leaking and we were charged for a drink we never got."
    )
    _, _, draft = drafted(text, 1, "plastic")
    assert len(draft.text) <= LIMIT.max_chars
    assert not draft.violations
    assert "sorry" in draft.text.lower() or "apolog" in draft.text.lower()
    assert "028-6543 2100" in draft.text  # the contact (next step) stays
    assert draft.text.rstrip().endswith(store().facts_in("en").get("signature", ""))


def test_the_last_resort_of_every_english_answer_fits_300_by_construction() -> None:
    # Whatever the review holds, the last rung is: the first point's shortest
    # acknowledgement and step, the shortest apology, every other point named as one, the
    # shortest contact sentence and the sign-off. Each answer's must fit the limit with the
    # example store's long facts.
    library = load_library()
    english = library.english
    assert english is not None
    facts = store().facts_in("en")
    contact = min(english.parts["speed"], key=len).replace("{contact}", facts["contact"])
    closing = min(english.parts["closing"], key=len).replace("{signature}", facts["signature"])
    sincerity = min((s for s in english.parts["sincerity"] if s), key=len)
    rest = max(ENGLISH.brief, ENGLISH.brief_checking, key=len)
    rest = rest.replace("{names}", kind_names(english.answers)["general"])
    assert len(last_resorts(3)) >= 3
    for aspect, answer in english.answers.items():
        # each answer the words can choose (its own, or a `when` word's): the longest of
        # their shortest acknowledgements and steps
        groups = [(answer.ack, answer.step)]
        groups += [(a or answer.ack, s or answer.step) for a, s in answer.when.values()]
        for acks, steps in groups:
            plain = [a for a in acks if "{" not in a] or [a for a in answer.ack if "{" not in a]
            ack = min([*plain, *([answer.short_ack] if answer.short_ack else [])], key=len)
            own = [s for s in steps if "{" not in s]
            step = min([*own, *([answer.short_step] if answer.short_step else [])], key=len)
            pieces = (ack, sincerity, step, rest, contact)
            text = " ".join(p for p in pieces if p) + "\n" + closing
            assert len(text) <= LIMIT.max_chars, (aspect, len(text), text)
