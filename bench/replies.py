"""Benchmark the reply engine on real negative reviews.

    .venv/bin/python bench/replies.py [--data PATH] [--config FILE] [--store ID] [--limit N]
    .venv/bin/python bench/replies.py --set SET.jsonl [--max-chars N]

Reads the negative reviews (label 0) of waimai_train.csv (by default from ../shared/data/
beside the repository, searched upwards from the repository root; it is never copied into
the repository), analyzes them with the v1 analyzer, drafts a reply to each as one stream to
one store (each draft sees the store's last 20 replies, as in the daemon), checks every
draft with patterns of its own, and prints:

* mention: the share of drafts that mention the review's main complaint. The main complaint
  is defined without looking at the engine: the first clause of the review (split at
  punctuation and contrast words) that contains an evidence term of a category the
  analyzer marked negative. A draft mentions it if it contains a word of that clause: any
  two-character run of Chinese from the clause that is not a function word (我们, 没有,
  就是 …). So "送餐太慢了" is mentioned by "…送餐太慢…" or "…「送餐太慢」…" but not by
  "…配送的问题…"; a reply that only says "口味没让您满意" to "味道一般" does not count
  either (味道 ≠ 口味), which makes the figure a lower bound. Reviews where the analyzer
  found no negative category have no identifiable complaint and are reported apart. The
  same measure applied to one fixed, canned apology is printed as the baseline. Printed
  beside it, looser: the share of those drafts answering the complaint's category at all
  (the draft's category is one the analyzer found negative in that clause).
* distinct: the share of drafts whose text no other draft has (and, beside it, how many
  different texts there are, as a share of the drafts).
* violations: drafts the engine could not make clean (its own guardrails blocked every
  candidate), and, as an independent check, drafts that a second, much smaller set of
  patterns written here (`INDEPENDENT`, not the engine's data/guardrails.toml) finds
  suspect: a digit or phone number not in the store's facts, a compensation offer, a
  request to change the review, blame. Re-checking with the engine's own guardrails
  could never fail, since the engine filters on them; both figures must be 0.
* overlap: character-bigram Jaccard overlap between consecutive drafts to the same
  situation and category at most 20 replies apart, store facts left out (what the variety
  guard keeps low; it looks back 20 replies).
* speed: drafts per second (reading, assembling, guardrails and variety guard; the
  analyzer's time is measured and printed apart).

With --set (a labelled JSONL set), each draft is made and checked under the reply length
limit of its review's `platform` field, as the daemon would (Meituan, Ele.me 300 characters;
Google 1300; Dianping and rows without `platform`: the default 500); --max-chars N forces one
limit for all. The limits used are printed. Beside the complaints addressed (the "every
complaint" side), it prints the quotes of no labelled complaint (the "only complaints"
side): the draft's quotes sharing no words with a clause that holds a gold span, i.e.
narration, consequences and hedges answered as points of their own (off_gold_quotes).
"""

from __future__ import annotations

import argparse
import csv
import logging
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis.base import Analysis, ReviewText  # noqa: E402
from reviewbot.analysis.clauses import split_clauses  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402
from reviewbot.config import load_settings  # noqa: E402
from reviewbot.replies.engine import HISTORY, TemplateDrafter, variety_exempt  # noqa: E402
from reviewbot.replies.facts import StoreProfile  # noqa: E402
from reviewbot.replies.guardrails import ReplyLimits  # noqa: E402
from reviewbot.replies.reading import CONTRAST  # noqa: E402
from reviewbot.replies.variety import overlap  # noqa: E402

DATA_NAME = Path("shared") / "data" / "waimai_train.csv"
CANNED = "您好，非常抱歉给您带来不好的体验，我们会认真改进，欢迎您再次光临。"
# Two-character runs too common to count as naming anything.
_FUNCTION_WORDS = (
    "我们 你们 他们 这个 那个 一个 没有 不是 什么 真的 就是 还是 但是 觉得 感觉 可以 一下 "
    "非常 已经 而且 因为 所以 这次 这家 时候 的话 以后 下次 不会 不要 有点 一点 还有 东西 "
    "知道 出来 起来 一样 这样 怎么 这么 那么 以为 每次 一直 不过 实在 简直 特别 比较 而已 "
    "一般 之前 之后 然后 结果 居然 竟然 可是 只是 还好 太了 了吧 的时 得很 的是 都是 也是 "
    "不好 不错 好的 很好 不到 了一 点了 有的 一次"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
# The independent check: a few broad patterns per kind of harm, kept apart from the
# engine's guardrails on purpose. Read on NFKC text, the store's own facts removed; blame
# is not looked for inside the 「」 quotes of the customer's own words.
INDEPENDENT: dict[str, re.Pattern[str]] = {
    "digits": re.compile(r"[0-9]+|[〇零一二三四五六七八九幺]{5,}"),
    "remedy": re.compile(
        r"退[^,。!?]{0,3}(钱|款)|赔(偿|付)|补偿|补贴|(不收|免)[^,。!?]{0,3}(钱|费)|免单|券|"
        r"给您优惠|半价|打折|折扣|红包|返现|请客|礼物|送(您|你)|补[^,。!?]?份|重做"
    ),
    "review_change": re.compile(
        r"删[^,。!?]{0,3}评|(修改|调整|重新)[^,。!?]{0,4}(评价|评分|打分|星)|改[成为][^,。!?]{0,2}(好评|星)|"
        r"给[^,。!?]{0,2}好评|好评[^,。!?]{0,3}(惊喜|有礼|返|送)|隐藏|高抬贵手"
    ),
    "blame": re.compile(
        r"(骑手|配送员|送餐员|小哥|平台|美团|饿了么)[^,。!?]{0,4}(问题|原因|责任|慢|晚)|"
        r"不是我们的(问题|错|责任)|(与|和|跟)我们无关|(您|你)自己|(您|你)可能|别的顾客|其他顾客|不(太)?客观|乱写|"
        r"无理取闹|不是事实|搞错|口味问题|吃不惯|没(有)?(写)?备注|不可能|恶意"
    ),
}
_QUOTED = re.compile(r"「[^「」]*」")


def independent_check(text: str, store: StoreProfile, review: str = "") -> dict[str, str]:
    """What the independent patterns find in a draft: {kind: the first hit}. A number the
    customer wrote (等了1小时, 14:36) is theirs to name back, not one the draft made up. A
    Traditional draft is read in Simplified, as the facts and patterns are written (its
    店長電話 028-… is the store's own number)."""
    from reviewbot.analysis.normalize import to_simplified

    text = to_simplified(unicodedata.normalize("NFKC", text))
    said = set(re.findall(r"[0-9]+", unicodedata.normalize("NFKC", review)))
    for fact in sorted((*variety_exempt(store), store.remedy), key=len, reverse=True):
        if fact:
            text = text.replace(unicodedata.normalize("NFKC", fact), "")
    hits = {}
    for kind, pattern in INDEPENDENT.items():
        read = _QUOTED.sub("", text) if kind == "blame" else text
        found = [m for m in pattern.finditer(read) if not (kind == "digits" and m[0] in said)]
        if found:
            hits[kind] = found[0].group(0)
    return hits


def find_data(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    for base in ROOT.parents:
        if (base / DATA_NAME).is_file():
            return base / DATA_NAME
    raise SystemExit(f"{DATA_NAME} not found above {ROOT}; pass --data PATH")


def main_complaint(text: str, analysis: Analysis) -> tuple[str, set[str]] | None:
    """The first clause carrying evidence of a category the analyzer marked negative, and
    the categories it carries evidence of."""
    negatives = analysis.negative_categories()
    for clause, _ in split_clauses(text, CONTRAST):
        categories = {c.name for c in negatives if any(term in clause for term in c.terms)}
        if categories:
            return clause, categories
    return None


def mentions(draft: str, clause: str) -> bool:
    for i in range(len(clause) - 1):
        pair = clause[i : i + 2]
        chinese = all("\u4e00" <= ch <= "\u9fff" for ch in pair)
        if chinese and pair not in FUNCTION_WORDS and pair in draft:
            return True
    return False


def in_own_words(draft: str, complaint: dict) -> bool:
    """Whether the draft quotes the gold complaint in the customer's words: a run of four
    or more characters of its span inside the draft's 「」 (read in Simplified). Stricter
    than `addressed`, which a kind named in the gold word (收费让您有疑问) also satisfies."""
    from reviewbot.analysis.normalize import to_simplified

    span = to_simplified(complaint.get("span", ""))
    quoted = "\x00".join(_QUOTED.findall(to_simplified(draft)))
    return any(span[i : i + 4] in quoted for i in range(len(span) - 3))


_QUOTED = re.compile(r"「([^」]*)」")
_QUOTED_ANY = re.compile(r"「([^」]*)」|\u201c([^\u201d]*)\u201d")
_GOLD_CLAUSE = re.compile(r"[，。！？,.!?；;～~\n]+")


def off_gold_quotes(draft: str, text: str, complaints: list[dict]) -> tuple[int, int]:
    """(quotes in the draft, those of no labelled complaint): a quote (「…」 or “…”) is of a
    complaint when it shares a run of three characters (Chinese) or of two words (English)
    with a clause of the review holding that complaint's gold span. What is left was
    answered as a point the writer did not label one: narration, a consequence, a hedge, a
    stray half-clause (the "only complaints" side of issue 12)."""
    from reviewbot.analysis.normalize import to_simplified

    review = to_simplified(text).lower()
    spans = [to_simplified(c.get("span", "")).lower() for c in complaints if c.get("span")]
    clauses = [c for c in _GOLD_CLAUSE.split(review) if c.strip()]
    gold = [c for c in clauses if any(_shares(c, s) or _shares(s, c) for s in spans)] + spans
    quotes = [a or b for a, b in _QUOTED_ANY.findall(to_simplified(draft).lower())]
    off = sum(1 for q in quotes if not any(_shares(q, g) for g in gold))
    return len(quotes), off


def _shares(quote: str, clause: str) -> bool:
    words = quote.split()
    if len(words) > 1:
        pairs = [" ".join(words[i : i + 2]) for i in range(len(words) - 1)]
        return any(p in clause for p in pairs)
    if len(quote) <= 3:
        return quote in clause
    return any(quote[i : i + 3] in clause for i in range(len(quote) - 2))


def addressed(draft: str, complaint: dict, labels: dict[str, str]) -> bool:
    """A gold complaint is addressed when the draft holds one of its keywords or the Chinese
    label of its aspect (compared in Simplified, so Traditional drafts count alike)."""
    from reviewbot.analysis.normalize import to_simplified

    text = to_simplified(draft).lower()
    words = [*complaint.get("keywords", ()), labels.get(complaint.get("aspect", ""), "")]
    return any(w and to_simplified(w).lower() in text for w in words)


def platform_limits(platform: str | None, forced: int = 0) -> ReplyLimits:
    """The reply limits the daemon would give a review of `platform`: the configured
    default of its source kind (Meituan and Ele.me 300 characters, Google 1300) when the
    platform has a reply API, else the guardrails' default (Dianping: replies typed by hand
    in its app; a set without a `platform` field). `forced` > 0 overrides them all."""
    from reviewbot.sourceconfig import reply_max_chars

    chars = forced if forced > 0 else reply_max_chars(platform)
    return ReplyLimits(max_chars=chars) if chars else ReplyLimits()


def run_set(
    path: Path, store: StoreProfile, forced_limit: int = 0, language: str | None = None
) -> int:
    """Figures on a labelled set: aggregates only (the set may be a blind one). Each draft
    gets the reply length limit of its review's `platform` (see `platform_limits`)."""
    import json

    from reviewbot.analysis.complaints import load_taxonomy
    from reviewbot.replies import guardrails

    check = getattr(guardrails, "check_reply", None) or guardrails.check  # type: ignore[attr-defined]
    labels = {aspect: a.label for aspect, a in load_taxonomy().aspects.items()}
    items = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    if language:
        items = [r for r in items if language in (r.get("language"), r.get("lang"))]
    analyzer, drafter = AnalyzerV1(), TemplateDrafter()
    recent: list[str] = []
    gold = hit = complete = violations = person = reword = 0
    spanned = in_words = 0
    quoted = off_gold = 0
    # The engine names the review of each draft it flags; a blind set's ids stay unprinted.
    logging.getLogger("reviewbot.replies.engine").setLevel(logging.ERROR)
    lengths, texts = [], []
    used_limits: Counter[str] = Counter()
    rules: Counter[str] = Counter()  # drafts per guardrail rule that fired (aggregates)
    started = time.perf_counter()
    for index, item in enumerate(items):
        review = ReviewText(
            str(item.get("id", index)), item["text"], item.get("rating"), item.get("platform")
        )
        analysis = analyzer.analyze(review)
        limits = platform_limits(item.get("platform"), forced_limit)
        used_limits[f"{item.get('platform') or 'no platform'} {limits.max_chars}"] += 1
        draft = drafter.draft(review, analysis, store, recent=recent, limits=limits)
        recent.insert(0, draft.text)
        del recent[HISTORY:]
        reword += draft.similarity > 0
        if draft.needs_person:
            person += 1
        else:
            found = check(
                draft.text,
                review=review,
                analysis=analysis,
                store=store,
                platform_limits=limits,
                quotes=draft.quotes,
            )
            violations += bool(found or draft.violations)
            rules.update({v.code for v in (*found, *draft.violations)})
        complaints = item.get("complaints", [])
        got = [addressed(draft.text, c, labels) for c in complaints]
        gold += len(got)
        hit += sum(got)
        spanned += sum(1 for c in complaints if c.get("span"))
        in_words += sum(1 for c in complaints if c.get("span") and in_own_words(draft.text, c))
        if any(c.get("span") for c in complaints):
            said, off = off_gold_quotes(draft.text, item["text"], complaints)
            quoted += said
            off_gold += off
        complete += bool(got) and all(got)
        lengths.append(len(draft.text))
        texts.append(draft.text)
    seconds = time.perf_counter() - started
    n = len(items)
    with_complaints = sum(1 for item in items if item.get("complaints"))
    language_note = f", language {language}" if language else ""
    print(f"set: {path}{language_note} ({n} reviews, {gold} gold complaints), store: {store.name}")
    how = "forced by --max-chars" if forced_limit > 0 else "each review's platform's"
    print(
        f"reply length limits ({how}, characters): "
        + ", ".join(f"{k}: {v} reviews" for k, v in sorted(used_limits.items()))
    )
    print(f"complaints addressed: {hit / max(gold, 1):.1%} ({hit}/{gold})")
    print(
        f"drafts addressing every complaint: {complete / max(with_complaints, 1):.1%} "
        f"({complete}/{with_complaints})"
    )
    if spanned:
        print(
            f"complaints quoted in the customer's words (4+ characters of the gold span in "
            f"the draft's 「」): {in_words / spanned:.1%} ({in_words}/{spanned})"
        )
    if quoted:
        print(
            f"quotes of no labelled complaint (narration, consequences, hedges answered as "
            f"points; lower is better): {off_gold / quoted:.1%} ({off_gold}/{quoted} quotes)"
        )
    print(
        f"length: mean {statistics.mean(lengths):.0f}, median {statistics.median(lengths):.0f}, "
        f"max {max(lengths)} characters"
    )
    print(
        f"variety: {len(set(texts))} distinct drafts of {n}; flagged by the variety guard "
        f"for staff to reword (no variant differed enough from the last {HISTORY}): {reword}"
    )
    print(
        f"guardrail violations: {violations} drafts"
        + (f" ({', '.join(f'{k} {v}' for k, v in rules.most_common())})" if rules else "")
        + f"; marked for a person: {person}"
    )
    print(f"speed: {n / seconds:.1f} reviews/s (analysis and draft)")
    return 0 if not violations else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="waimai_train.csv (default: ../shared/data/ found upwards)")
    parser.add_argument("--config", default=str(ROOT / "config.example.toml"))
    parser.add_argument("--store", default=None, help="store id (default: the first)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N negatives")
    parser.add_argument(
        "--set",
        help="a labelled JSONL set ({text, rating, complaints: [{category, aspect, keywords}]}):"
        " print how many gold complaints the drafts address (aggregates only)",
    )
    parser.add_argument(
        "--max-chars",
        type=int,
        default=0,
        help="with --set: one reply length limit for every review (e.g. 300, Meituan's and"
        " Ele.me's) instead of each review's platform's",
    )
    parser.add_argument(
        "--language",
        metavar="LANG",
        help="with --set: only the rows written in LANG (zh, yue, en: a row's language or lang)",
    )
    args = parser.parse_args()

    settings = load_settings(args.config)
    store_settings = settings.store(args.store) if args.store else settings.stores[0]
    store = StoreProfile.from_settings(store_settings.name, store_settings.facts)
    if args.set:
        return run_set(Path(args.set), store, args.max_chars, args.language)
    path = find_data(args.data)
    with open(path, encoding="utf-8", newline="") as handle:
        texts = [row["review"].strip() for row in csv.DictReader(handle) if row["label"] == "0"]
    if args.limit:
        texts = texts[: args.limit]

    analyzer = AnalyzerV1()
    started = time.perf_counter()
    reviews = [ReviewText(f"w{i}", text, None) for i, text in enumerate(texts)]
    analyses = [analyzer.analyze(review) for review in reviews]
    analysis_seconds = time.perf_counter() - started

    drafter = TemplateDrafter()
    recent: list[str] = []
    drafts = []
    started = time.perf_counter()
    for review, analysis in zip(reviews, analyses, strict=True):
        draft = drafter.draft(review, analysis, store, recent=recent)
        drafts.append(draft)
        recent.insert(0, draft.text)
        del recent[HISTORY:]
    draft_seconds = time.perf_counter() - started

    unclean = sum(1 for d in drafts if d.violations)
    suspect = [
        (d, hits)
        for d, review in zip(drafts, reviews, strict=True)
        if (hits := independent_check(d.text, store, review.text))
    ]
    kinds = Counter(kind for _, hits in suspect for kind in hits)

    with_complaint = mentioned = canned = addressed = 0
    for review, analysis, draft in zip(reviews, analyses, drafts, strict=True):
        found = main_complaint(review.text, analysis)
        if found is None:
            continue
        clause, categories = found
        with_complaint += 1
        mentioned += mentions(draft.text, clause)
        canned += mentions(CANNED, clause)
        addressed += draft.category in categories

    facts = variety_exempt(store)
    last: dict[str, tuple[int, str]] = {}
    overlaps = []
    for index, draft in enumerate(drafts):
        key = f"{draft.situation}/{draft.category}"
        if key in last and index - last[key][0] <= HISTORY:
            overlaps.append(overlap(last[key][1], draft.text, facts))
        last[key] = (index, draft.text)

    n = len(drafts)
    counts = Counter(d.situation for d in drafts)
    print(f"data: {path} ({n} negative reviews), store: {store.name}")
    print(
        f"mention: {mentioned / with_complaint:.1%} of {with_complaint} drafts whose review "
        f"has an identifiable main complaint (canned apology baseline: "
        f"{canned / with_complaint:.1%}); {n - with_complaint} reviews had none"
    )
    print(f"addressed: {addressed / with_complaint:.1%} of them answer that complaint's category")
    texts = Counter(d.text for d in drafts)
    unique = sum(1 for d in drafts if texts[d.text] == 1)
    print(
        f"distinct: {unique / n:.1%} of {n} drafts have a text no other draft has "
        f"({len(texts) / n:.1%} different texts)"
    )
    print(
        f"violations: {unclean} drafts the engine could not make clean; independent check: "
        f"{len(suspect)} drafts suspect" + (f" {dict(kinds)}" if kinds else "")
    )
    for draft, hits in suspect[:5]:
        print(f"  suspect {hits}: {draft.text[:80]}")
    print(
        f"overlap: consecutive drafts to the same category (within {HISTORY} replies) share "
        f"{statistics.mean(overlaps):.2f} of their character bigrams on average "
        f"(max {max(overlaps):.2f}, {len(overlaps)} pairs)"
    )
    print(
        f"speed: {n / draft_seconds:.0f} drafts/s "
        f"(analysis apart: {n / analysis_seconds:.0f} reviews/s)"
    )
    print("situations: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    return 0 if not unclean and not suspect else 1


if __name__ == "__main__":
    raise SystemExit(main())
