"""Complaints the analyzer mapped to no aspect, still answered.

The reply engine answers the complaints of Analysis.complaints; on wording the analyzer's
lexicon has not seen it finds about half of them, and a draft that skips a complaint tells
the customer it was not read. So every clause of the review that reads as negative and
that no answered complaint already covers becomes a complaint of its own, `unmapped.<cat>`
(answered from templates/replies/aspects.toml like any aspect, quoting the customer's
words): of the category its words name when one can be told, else `unmapped.general`
with a generic but true step.

Negative is told by word-level cues, not phrases (data/leftovers.toml): the analyzer's own
lexicon reading of the clause, a negator or degree word before a content word (没人理,
不给换, 太油), a word of disappointment. The category comes from the lexicon's category
words, else from the head character of the nouns jieba finds (…汤, …员, …盒).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from reviewbot.analysis.aspects import _shipped_reader
from reviewbot.analysis.base import CATEGORIES, Complaint
from reviewbot.analysis.clauses import split_clauses
from reviewbot.analysis.dialect import fold_cantonese, is_cantonese
from reviewbot.analysis.normalize import normalize, to_simplified
from reviewbot.analysis.sentiment import Weights, default_model
from reviewbot.analysis.targets import SEGMENTER
from reviewbot.replies.english import english_head
from reviewbot.replies.reading import (
    CONTRAST,
    amount_part,
    clean_quote,
    delivered,
    praises,
    quote_part,
)

PREFIX = "unmapped."
GENERAL = "general"
ASPECTS: tuple[str, ...] = tuple(f"{PREFIX}{c}" for c in (*CATEGORIES, GENERAL))
MIN_CHARS = 3  # 好慢, 差评: too short to be a point the analyzer could have missed
EN_MIN_WORDS = 3  # an English clause with no negative cue needs this many words
EN_TOLD_WORDS = 5  # an English telling (Ordered a cold brew) this short says no more
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Spaces and emoji between Chinese words part clauses as a comma does (冷面送来变成了温面
# 哈哈哈 冰块一块都没有; 吃出钢丝球的丝😨 拍照发给商家).
_SEPARATORS = re.compile(r"(?:\s|[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d])+")
# (not "also" after a verb it qualifies: The table was also sticky is one clause)
_EN_CLAUSES = re.compile(
    r"[.,;!?\n]+|\s(?=(?:but|however|although|though|and|plus)\s)"
    r"|(?<!\bwas)(?<!\bwere)(?<!\bis)(?<!\bare)\s(?=also\s)",
    re.I,
)
_EN_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Cues:
    negators: tuple[str, ...]
    excess: tuple[str, ...]
    blame: tuple[str, ...]
    praise_ok: tuple[str, ...]
    heads: dict[str, tuple[str, ...]]
    consequence: tuple[str, ...]
    unquotable: tuple[str, ...]
    quotable: tuple[str, ...]
    en_consequence: tuple[str, ...]
    en_unquotable: tuple[str, ...]
    model_logit: float
    negative_logit: float
    mild_praise: tuple[str, ...]
    concession: tuple[str, ...]
    narrative: tuple[str, ...]
    occasion: tuple[str, ...]
    verdicts: tuple[str, ...]
    telling: tuple[str, ...]
    telling_rest: int
    telling_cause: tuple[str, ...]
    telling_subjects: frozenset[str]
    hedges: tuple[str, ...]
    en_negators: frozenset[str]
    en_blame: frozenset[str]
    en_praise_ok: tuple[str, ...]
    en_mild_praise: frozenset[str]
    en_narrative: tuple[str, ...]
    en_resolve: tuple[str, ...]
    en_heads: dict[str, frozenset[str]]
    amount: re.Pattern[str]
    billing_words: tuple[str, ...]
    duration: re.Pattern[str]
    en_duration: re.Pattern[str]
    acts: tuple[str, ...] = ()
    turns: tuple[str, ...] = ()
    discourse: tuple[str, ...] = ()
    openings: tuple[str, ...] = ()
    acts_not: tuple[str, ...] = ()
    time_ends: tuple[str, ...] = ()
    feelings: tuple[str, ...] = ()
    feeling_rest: int = 4


@cache
def cues() -> Cues:
    text = resources.files("reviewbot.replies").joinpath("data/leftovers.toml").read_text("utf-8")
    data = tomllib.loads(text)
    english = data["english"]
    return Cues(
        negators=tuple(sorted(data["negators"], key=len, reverse=True)),
        excess=tuple(sorted(data["excess"], key=len, reverse=True)),
        blame=tuple(data["blame"]),
        praise_ok=tuple(data["praise_ok"]),
        heads={c: tuple(w) for c, w in data["heads"].items()},
        consequence=tuple(data["consequence"]),
        unquotable=tuple(data["unquotable"]),
        quotable=tuple(sorted(data.get("quotable", ()), key=len, reverse=True)),
        en_consequence=tuple(english["consequence"]),
        en_unquotable=tuple(english["unquotable"]),
        model_logit=float(data["model_logit"]),
        negative_logit=float(data["negative_review_logit"]),
        mild_praise=tuple(data["mild_praise"]),
        concession=tuple(data["concession"]),
        narrative=tuple(data["narrative"]),
        occasion=tuple(data["occasion"]),
        verdicts=tuple(sorted(data["verdicts"], key=len, reverse=True)),
        telling=tuple(sorted(data["telling"], key=len, reverse=True)),
        telling_rest=int(data["telling_rest"]),
        telling_cause=tuple(data["telling_cause"]),
        telling_subjects=frozenset(data["telling_subjects"]),
        hedges=tuple(data["hedges"]),
        en_negators=frozenset(english["negators"]),
        en_blame=frozenset(english["blame"]),
        en_praise_ok=tuple(english["praise_ok"]),
        en_mild_praise=frozenset(english["mild_praise"]),
        en_narrative=tuple(english["narrative"]),
        en_resolve=tuple(english["resolve"]),
        en_heads={c: frozenset(w) for c, w in english["heads"].items()},
        amount=re.compile(data["amount"]["pattern"]),
        billing_words=tuple(data["billing_words"]),
        duration=re.compile(data["duration"]["pattern"]),
        en_duration=re.compile(data["duration"]["en_pattern"], re.I),
        acts=tuple(data["acts"]),
        turns=tuple(data["turns"]),
        discourse=tuple(data["discourse"]),
        openings=tuple(data["openings"]),
        acts_not=tuple(data["acts_not"]),
        time_ends=tuple(data["time_ends"]),
        feelings=tuple(sorted(data["feelings"], key=len, reverse=True)),
        feeling_rest=int(data["feeling_rest"]),
    )


def leftovers(
    text: str,
    answered: Iterable[str],
    *,
    english: bool = False,
    negative: bool = False,
    platform: str | None = None,
) -> list[Complaint]:
    """The negative clauses of `text` that none of the `answered` spans covers, as
    complaints to answer (all of them, in the customer's order: the reply engine answers the
    first ones in full and names the rest together, see engine.MAX_FULL). In a `negative`
    review (no praise, a low rating) a clause needs less to read as a complaint: there,
    what is not praise or narration is almost always one."""
    said = [s for s in (_plain(a) for a in answered) if s]
    if english:
        clauses = english_clauses(text)
    else:
        clauses = [c for c, _ in split_clauses(_SEPARATORS.sub("，", text), CONTRAST)]
    c = cues()
    consequence = c.en_consequence if english else c.consequence
    duration = c.en_duration if english else c.duration
    wait = _wait_aspect(text, english=english, platform=platform)
    out: list[Complaint] = []
    after_complaint = False  # the clause before was a complaint (answered or not)
    after_telling = False  # the clause before told of the customer saying something
    for clause in clauses:
        words = clause.strip()
        plain = _plain(words)
        told, after_telling = after_telling, not english and _telling_only(_mandarin(plain))
        covering = next(
            (s for s in said if len(plain) >= MIN_CHARS and (plain in s or s in plain)), None
        )
        if covering is not None:
            if covering != plain and plain not in covering:
                # A word answered inside a longer clause (破了, 没扣紧) covers the one clause
                # it was read from: a later clause saying it again (饺子也破了) is a point too.
                said.remove(covering)
            after_complaint = True
            continue
        point = None
        if len(plain) >= MIN_CHARS:
            point = (
                english_point(words, negative=negative)
                if english
                else chinese_point(plain, negative=negative)
            )
        if point is None:
            # A consequence read as no point (我家孩子差点吃下去) leaves the complaint before
            # it in force for the clause after (万一划到嘴怎么办).
            after_complaint = after_complaint and any(
                m in to_simplified(words).lower() for m in consequence
            )
            continue
        category, aspect = point
        if told and category == GENERAL:
            # 跟店员说了一下，她说我们一直都是这样: what staff answered the customer
            category, aspect = "service", "service.attitude"
        if aspect is None and category in _WAITED_ON and duration.search(to_simplified(words)):
            # 一個鐘先到, 从点菜到上第一个菜用了四十分钟: a length of time is the wait itself
            category, aspect = wait.partition(".")[0], wait
        if after_complaint and any(m in to_simplified(words).lower() for m in consequence):
            continue  # what the complaint before it led to: part of that one
        after_complaint = True
        quotable = _quotable(words, english)
        if english and not quotable:
            # the waiter got defensive | when we questioned it: its head names the point
            head = english_head(words.strip())
            if head and _quotable(head, english):
                words, quotable = head, True
        if category == GENERAL and not quotable:
            continue  # neither its words nor its kind can be named: nothing true to say
        said.append(plain)
        # An unquotable clause is still answered by its kind, with a line naming no words.
        # unmapped.food.taste when the clause's aspect is known, else unmapped.food: answered
        # as that aspect or by its kind (answers.answer_for).
        kind = f"{PREFIX}{aspect or category}"
        # Unquotable words ride as the target, of which the answer says only a name it
        # knows (a fee: answers.Answer.names), never the words.
        said_as = (words, None) if quotable else ("", words)
        out.append(Complaint(category, kind, *said_as))
    return out


def aspect_of_words(words: str) -> str | None:
    """The aspect of the first complaint stem of the analyzer's taxonomy these Chinese words
    say (喝起来有焦苦味 → food.taste), or None."""
    return _stem_aspect(_mandarin(_plain(words)))


def reads_as_complaint(words: str, *, english: bool = False) -> bool:
    """Whether these words, read as a clause on their own, say something went wrong (as a
    leftover clause of a negative review is read: chinese_point, english_point), rather than
    telling what the customer did, how they felt or what came of it (我们要求经理来处理, 叫咗
    三份套餐, Ordered a cold brew): only such words are quoted back as the complaint."""
    if english:
        # Ordered a cold brew, We had the set menu: a short telling with no negator
        lowered = words.lower().strip()
        said = _EN_WORD.findall(lowered)
        negated = any(w in cues().en_negators or w.endswith("n't") for w in said)
        told = lowered.startswith(cues().en_narrative) and len(said) <= EN_TOLD_WORDS
        return negated or not told
    clause = _mandarin(_plain(words))
    reading = _shipped_reader().read(clause)
    score = sum(c.general + sum(c.own.values()) for c in reading.clauses)
    if score < 0 or _negative_cue(clause) or _stem_aspect(clause) is not None:
        return True
    if score > 0 or any(w in clause for w in (*cues().concession, *cues().mild_praise)):
        return False  # 烤肉倒是还行, 价格倒不贵: what was all right
    return not _narrates(clause)


def _verdict_only(clause: str) -> bool:
    """Whether a clause is only a verdict on the visit (不推荐来, 再也不会来了, 避雷): no
    point of its own to answer."""
    rest = clause
    for word in cues().verdicts:
        rest = rest.replace(word, "")
    if rest == clause:
        return False
    if len(_HAN.findall(rest)) <= 3:
        return True  # 以后…了, 真的…吧
    # 吃了两次就不想来了, 这种吃饭体验下次不想来了: what led to it says nothing of a problem
    return not _negative_cue(rest) and _stem_aspect(rest) is None and not _names_category(rest)


def _names_category(clause: str) -> bool:
    """Whether the analyzer's lexicon reads a word of a category in the clause (味道, 服务员)."""
    reading = _shipped_reader().read(clause)
    return any(c.terms.get(name) for c in reading.clauses for name in CATEGORIES)


def _narrates(clause: str) -> bool:
    """Whether a clause tells what the customer did, wanted or found out, or who came and
    when (午饭点的, 想换换口味点了这家干锅, 全家只有我吃了, 一问才知道): narration, asked only of
    a clause in which nothing else reads as a complaint."""
    c = cues()
    for word in c.acts_not:  # 甜点的蛋糕: no order told
        clause = clause.replace(word, "　" * len(word))
    if any(word in clause for word in c.discourse) or clause.endswith(c.time_ends):
        return True  # 一问才知道, 核对了才发现, 吃到一半的时候
    if any(word in clause for word in c.turns):
        return False  # 点了三杯只来了两杯: what came of the order is the complaint
    return any(word in clause for word in (*c.acts, *c.occasion)) or clause.startswith(c.openings)


def _feeling_only(clause: str) -> bool:
    """Whether a clause only says how the visit felt (有点失望, 用餐体验很差, 这也太离谱了):
    with the words of feeling taken out, at most `feeling_rest` characters are left."""
    rest = clause
    for word in cues().feelings:
        rest = rest.replace(word, "")
    return rest != clause and len(_HAN.findall(rest)) <= cues().feeling_rest


def _telling_only(clause: str) -> bool:
    """Whether a clause only tells of the customer saying something (跟老板提了一句, 就因为
    我说了句): narration, the point is what was said or what came of it."""
    told = [at for word in cues().telling if (at := clause.find(word)) >= 0]
    if told and any(word in clause[: min(told)] for word in cues().telling_cause):
        return True  # 就因为我说了句…: the reaction it caused is the point
    if told and clause[: min(told)] in cues().telling_subjects:
        return True  # 我说了句能不能快点: what they said; the staff's answer is the point
    rest = clause
    for word in cues().telling:
        rest = rest.replace(word, "")
    if rest == clause or len(_HAN.findall(rest)) > cues().telling_rest:
        return False
    return not _negative_cue(rest) and _stem_aspect(rest) is None


# Categories whose point a length of time turns into a wait (not price: 一份卖39).
_WAITED_ON = frozenset({GENERAL, "food", "service", "delivery"})


def _wait_aspect(text: str, *, english: bool, platform: str | None = None) -> str:
    """The aspect of a wait in this review: a late delivery when the order was delivered,
    else slow service at the table."""
    if english:
        lowered = _EN_WORD.findall(text.lower())
        ordered = any(w in cues().en_heads["delivery"] or w in _EN_DELIVERED for w in lowered)
    else:
        ordered = delivered(text, platform)
    return "delivery.late" if ordered else "service.waiting"


_EN_DELIVERED = frozenset({"delivered", "deliveroo", "ubereats", "doordash", "arrived"})


@cache
def _time_evidence() -> dict[str, tuple[str, ...]]:
    text = resources.files("reviewbot.replies").joinpath("data/leftovers.toml").read_text("utf-8")
    return {a: tuple(w) for a, w in tomllib.loads(text)["time_evidence"].items()}


def tells_of_time(complaint: Complaint) -> bool:
    """Whether a complaint may be answered as its aspect: one whose answer says the
    customer waited (delivery.late, service.waiting) needs Chinese words with evidence of
    time; the analyzer also gives these aspects to a topic word beside blame (送到都这样了
    很失望 says nothing of a wait). Such a point is left to leftovers(), which
    answers its clause by what it says, or not at all when another point covers it."""
    words = _time_evidence().get(complaint.aspect)
    if words is None or not _HAN.search(complaint.span):
        return True
    plain = _mandarin(to_simplified(complaint.span))
    return any(w in plain for w in words)


def english_clauses(text: str) -> list[str]:
    return [p for p in _EN_CLAUSES.split(text) if p and p.strip()]


def chinese_category(clause: str, *, negative: bool = False) -> str | None:
    """The category a negative Chinese clause is about (GENERAL when none can be told), or
    None when the clause does not read as a complaint; in a `negative` review the sentiment
    model's looser threshold decides, and a clause it alone finds is answered by its words
    even when no category can be told."""
    point = chinese_point(clause, negative=negative)
    return point[0] if point else None


def chinese_point(clause: str, *, negative: bool = False) -> tuple[str, str | None] | None:
    """(category, aspect or None) of a negative Chinese clause, or None (see
    chinese_category). The aspect is the one of the analyzer's complaint word whose stem
    the clause says (汤是咸的 → food.taste), when it is of the clause's category: the reply
    then answers it as that aspect, in its own words, not just by its category."""
    clause = _mandarin(clause)
    if _verdict_only(clause):
        return None  # 不推荐来, 以后不会再来了: the apology and the hope to see them answer it
    if _telling_only(clause):
        return None  # 跟老板提了一句: what they said, and what came of it, are the points
    if clause.startswith(cues().hedges) and _stem_aspect(clause) is None:
        return None  # 可能是赶时间吧: the customer's own excuse for the store
    reading = _shipped_reader().read(clause)
    score = sum(c.general + sum(c.own.values()) for c in reading.clauses)
    if score > 0 or praises(clause):
        return None
    if score == 0 and any(word in clause for word in cues().concession):
        return None  # 饭倒是没凉, 牛肉倒挺嫩的: what was all right, said in passing
    aspect = _stem_aspect(clause)
    stem = aspect.partition(".")[0] if aspect else None
    by_model = False
    if score == 0 and stem is None and not _negative_cue(clause):
        turned = any(word in clause for word in cues().turns)  # 点了两杯结果只送来一杯
        if (clause.startswith(cues().narrative) and not turned) or _only_nouns(clause):
            return None
        # The occasion or plan of the visit (公司年会订了三桌, 嚟慶祝生日), wherever it is
        # said: narration, and answering it spends the reply's length on nothing.
        if any(word in clause for word in cues().occasion):
            return None
        if any(word in clause for word in cues().mild_praise):
            return None
        if _narrates(clause):
            return None  # 午饭点的, 我用手机付的, 一问才知道: what the customer did or found
        threshold = cues().negative_logit if negative else cues().model_logit
        if _model_logit(clause) > threshold:
            return None
        by_model = not negative
    category = next(
        (name for c in reading.clauses for name in CATEGORIES if c.terms.get(name)), None
    )
    category = category or stem or _head_category(clause)
    if by_model and category == GENERAL:
        return None
    if category == GENERAL and stem is None and _feeling_only(clause):
        return None  # 有点失望, 用餐体验很差: how the visit felt, which the apology answers
    if (
        stem is None
        and category in ("food", "price", GENERAL)
        and cues().amount.search(clause)
        and not any(word in clause for word in cues().billing_words)
    ):
        # 一碗牛肉面38元, 二十八块就这么点: a price said in a complaint holds it against what
        # came (the analyzer reads a dish's price so in a low-rated review); a fee or the
        # bill (配送费7块) stays the price by its kind.
        return "price", "price.value"
    if stem == category:
        return category, aspect
    topic = _topic_aspect(clause)
    if topic and (category == GENERAL or topic.startswith(f"{category}.")):
        # What the clause is about (服务员 → service.attitude), as the analyzer reads a
        # topic word in a clause of blame.
        return topic.partition(".")[0], topic
    return category, None


def _mandarin(clause: str) -> str:
    """A Cantonese clause folded to Mandarin (仲要凍冰冰 reads as 还要冰冷), as the analyzer
    reads it; other text as it is."""
    if not is_cantonese(clause):
        return clause
    return fold_cantonese(normalize(clause)).text


def _only_nouns(clause: str) -> bool:
    """Whether jieba finds nothing but nouns in the clause (a dish named, no statement).
    A 'noun' of jieba's opening with 有/没/无 (有酸味) states something: not counted."""
    nouns = SEGMENTER.nouns(clause)
    covered = sum(end - start for start, end, noun in nouns if noun[0] not in "有没无")
    return covered >= len(clause) - 1


@cache
def _model() -> Weights:
    return default_model()


def _model_logit(clause: str) -> float:
    return float(_model().calibrated_logits([clause]).tolist()[0])


@cache
def _stems() -> tuple[tuple[str, str], ...]:
    """(stem, aspect) of every complaint word of the analyzer's taxonomy, longest first."""
    from reviewbot.analysis.complaints import load_taxonomy

    text = resources.files("reviewbot.replies").joinpath("data/leftovers.toml").read_text("utf-8")
    spec = tomllib.loads(text)["stems"]
    degree = sorted(spec["degree"], key=len, reverse=True)
    endings = sorted(spec["endings"], key=len, reverse=True)
    taxonomy = load_taxonomy()
    found: dict[str, str] = {}
    for word, tags in taxonomy.words.items():
        for aspect, sign in tags:
            if sign >= 0:
                continue
            stem = word
            for d in degree:
                if stem.startswith(d) and len(stem) > len(d):
                    stem = stem[len(d) :]
                    break
            for e in endings:
                if stem.endswith(e) and len(stem) > len(e):
                    stem = stem[: -len(e)]
                    break
            if stem and _HAN.match(stem) and stem not in spec["ignore"]:
                found.setdefault(stem, aspect)
    return tuple(sorted(found.items(), key=lambda t: -len(t[0])))


@cache
def _topics() -> tuple[tuple[str, str], ...]:
    """(topic word, aspect) of the analyzer's taxonomy, longest first: words that only say
    what a clause is about (服务员, 座位, 包装). Aspects whose answer asserts more than the
    word says (送到 is not 'late') are left out (leftovers.toml, topic_skip)."""
    from reviewbot.analysis.complaints import load_taxonomy

    text = resources.files("reviewbot.replies").joinpath("data/leftovers.toml").read_text("utf-8")
    skip = set(tomllib.loads(text)["topic_skip"])
    found = {
        word: aspect
        for word, tags in load_taxonomy().words.items()
        for aspect, sign in tags
        if sign == 0 and len(word) > 1 and aspect not in skip
    }
    return tuple(sorted(found.items(), key=lambda t: -len(t[0])))


def _topic_aspect(clause: str) -> str | None:
    """The aspect of the topic word the clause names first (服务员全在角落刷手机 →
    service.attitude), or None."""
    found = [(clause.find(word), aspect) for word, aspect in _topics() if word in clause]
    return min(found)[1] if found else None


@cache
def _predicate() -> tuple[tuple[str, ...], tuple[str, ...]]:
    text = resources.files("reviewbot.replies").joinpath("data/leftovers.toml").read_text("utf-8")
    spec = tomllib.loads(text)["stems"]
    return tuple(spec["before"]), tuple(spec["after"])


def _stem_aspect(clause: str) -> str | None:
    """The aspect of the first complaint stem the clause says (菜是咸的 → food.taste)."""
    before, after = _predicate()
    for stem, aspect in _stems():
        at = clause.find(stem)
        if at < 0:
            continue
        if len(stem) > 1:
            return aspect
        end = at + 1
        if end == len(clause) or clause.startswith(after, end) or clause[:at].endswith(before):
            return aspect
    return None


def _negative_cue(clause: str) -> bool:
    c = cues()
    masked = clause
    for phrase in c.praise_ok:
        masked = masked.replace(phrase, "　" * len(phrase))
    if any(word in masked for word in c.blame):
        return True
    for word in (*c.negators, *c.excess):
        at = masked.find(word)
        while at >= 0:
            nxt = masked[at + len(word) : at + len(word) + 1]
            if nxt and _HAN.match(nxt):
                return True
            at = masked.find(word, at + 1)
    return False


def _head_category(clause: str) -> str:
    heads = cues().heads
    for category, words in heads.items():
        if any(len(w) > 1 and w in clause for w in words):
            return category
    if cues().amount.search(clause):
        return "price"  # 一份卖39, $62呀大佬: what it cost
    for _, _, noun in SEGMENTER.nouns(clause):
        for category, words in heads.items():
            if any(noun.endswith(w) for w in words if len(w) == 1):
                return category
    return GENERAL


def english_category(clause: str, *, negative: bool = False) -> str | None:
    """The category a negative English clause is about, GENERAL, or None (not negative). In
    a `negative` review a clause that neither praises nor narrates needs no negative cue:
    it names a category, or is answered by its own words."""
    point = english_point(clause, negative=negative)
    return point[0] if point else None


def english_point(clause: str, *, negative: bool = False) -> tuple[str, str | None] | None:
    """(category, aspect or None) of a negative English clause (see english_category): the
    aspect of the first complaint the English reader finds in it."""
    from reviewbot.analysis.english import english_reader

    lowered = clause.lower()
    read = english_reader().read(clause)
    if read.praise and not read.complaints:
        return None
    c = cues()
    masked = lowered
    for phrase in c.en_praise_ok:
        masked = masked.replace(phrase, " ")
    words = _EN_WORD.findall(masked)
    is_negative = (
        read.general < 0
        or bool(read.complaints)
        or any(w in c.en_negators or w.endswith("n't") for w in words)
        or any(w in c.en_blame for w in words)
    )
    if lowered.strip().startswith(c.en_resolve) and not read.complaints:
        return None  # Won't order again: the customer's resolve, not a point to answer
    narrates = lowered.strip().startswith(c.en_narrative)
    # Without a cue, a clause of one or two words (Meh, Come on, called) says too little.
    short = len(words) < EN_MIN_WORDS
    praised = bool(read.praise) or read.general > 0
    if not is_negative and (not negative or praised or narrates or short):
        return None
    negated = any(w in c.en_negators or w.endswith("n't") for w in words)
    if not read.complaints and not negated and any(w in c.en_mild_praise for w in words):
        return None  # Food was decent tho, Service was fine: all right, said in passing
    if read.complaints:
        return read.complaints[0].category, read.complaints[0].aspect
    named = next(
        (
            category
            for word in words  # the first thing the clause names decides
            for category, heads in c.en_heads.items()
            if word in heads or word.rstrip("s") in heads
        ),
        None,
    )
    if _EN_AMOUNT.search(clause) and named in (None, "food", "price"):
        # A $42 steak should…, $45 for this is a joke: what it cost, held against what
        # came; a fee or a bill ($8 delivery fee, the bill) stays the price by its kind.
        return "price", "price.value" if named != "price" else None
    return named or GENERAL, None


_EN_AMOUNT = re.compile(r"[$£€¥]\s?\d")


def _plain(text: str) -> str:
    return re.sub(r"[\s「」“”\"'.,!?，。！？、；;～~…]", "", to_simplified(text).lower())


def _quotable(clause: str, english: bool) -> bool:
    lowered = f"{clause.lower()} "
    if english:
        from reviewbot.replies.english import quote_english

        return bool(quote_english(clause)) and not any(w in lowered for w in cues().en_unquotable)
    plain = to_simplified(clause)
    # its part naming the point will do (新客立减怎么没减, 米饭单独收费3块一碗)
    fit = clean_quote(plain) or quote_part(plain) or amount_part(plain)
    for word in cues().quotable:  # 价钱 holds 钱 and names a price, no money asked or offered
        plain = plain.replace(word, "　")
    return bool(fit) and not any(w in plain for w in cues().unquotable)


def taken_words(quotes: Sequence[str], terms: Sequence[str]) -> list[str]:
    """What a draft already answers besides the analyzer's complaints: the reading's quotes
    (「…」) and the words its complaints were read from."""
    return [q.strip("「」") for q in quotes if q] + [t for t in terms if len(t) >= 2]


def says_kind(quote: str, category: str) -> bool:
    """Whether quoted words, read alone as a clause of a complaint, say one of `category`
    (answers.sections asks it of the words after a quote shared by two points)."""
    words = quote.strip("「」\u201c\u201d")
    english = not any("\u4e00" <= ch <= "\u9fff" for ch in words)
    point = (english_point if english else chinese_point)(words, negative=True)
    return point is not None and point[0] == category
