"""Guardrails: what a public reply must never do, checked before anything is posted.

`check_reply` is a pure function over the reply text, the review, its analysis and the
store's fact sheet. The engine runs it on every draft (and never returns a draft that fails
it when a clean one exists); the chat workflow runs it again on the text staff approve,
edited or not, and blocks posting while it reports anything. Each `Violation` names the
words at fault as staff wrote them, says in plain Chinese what is wrong with them and
suggests a rewording (usually staff's own sentence with the offending clause replaced).

The rules are data (data/guardrails.toml): per rule (promise, delete_request,
private_data, blame, argue, invented_fact, the crisis rules), families of patterns built
from word classes (`{we}`, `{meal}`, `{pay}` …), so a rule states a meaning ("the store
says it pays for the meal") rather than a list of phrases. They are matched on the text as
the analyzer reads a review (reviewbot/analysis/normalize.py: Traditional → Simplified,
full width, split-up words), with Chinese digit runs read as digits; jieba word boundaries
keep a short word from matching inside a longer one; a negation shortly before a hit in
the same clause ("我们不会要求您删除评价") lets it through where the rule allows. The only
text exempt from some rules is the customer's words the engine itself quoted: a 「」 added
by staff is no licence to write anything.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any, Protocol

from reviewbot.analysis.base import Analysis, ReviewText
from reviewbot.analysis.normalize import normalize
from reviewbot.analysis.segment import word_starts, words_of
from reviewbot.analysis.spans import clause_bounds
from reviewbot.replies import scorer
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.lexicon import dish_lexicon, dish_shapes, guardrail_data, is_crisis

DEFAULT_MAX_CHARS = 500
_DIGITS = re.compile(r"[0-9]+")
# What may stand between the digits of one number as written (028-6543 2100, (028)
# 6543-2100, +86 28 6543 2100, 028.6543.2100, 028_6543_2100, 028~6543~2100) …
_NUMBER_GAP = r"\s\-－—–‐‑.·・/_~()（）"
# … and marks that split a number into parts as well as list several (028，6543，2100; 2、3).
_NUMBER_LIST = ",，、"
# A group of digits read with a unit (24小时, 10点, 10-22点, 9:00, 7 days) is no part of a number
# written before it: 028-6543 2100（24小时开机） is the number and a note on it. 分机 (an
# extension) is no unit: 028 8533 7762 分机 3 is one number and its extension; nor is the 点
# of 点单 (打 028-6543 2100 点单).
_NOTE_UNITS = (
    r"小时|钟头|个小时|点(?!单|餐|菜|评|外卖)|时|天|日|号(?!码)|月|年|分钟|分(?!机)|秒|元|块|毛|角|%|个|份|位|人|次|岁|楼|层"
    r"|[:：]|(?i:h(?![a-z])|hrs?\b|hours?|days?|am\b|pm\b|/7)"
)
_NOTE = rf"[0-9]+(?:[\-~到至][0-9]+)?\s*(?:{_NOTE_UNITS})"
_NUMBER_RUN = re.compile(rf"[0-9]+(?:[{_NUMBER_GAP}{_NUMBER_LIST}]{{1,3}}(?!{_NOTE})[0-9]+)*")
_LIST_MARK = re.compile(rf"[{_NUMBER_GAP}]*[{_NUMBER_LIST}][{_NUMBER_GAP}{_NUMBER_LIST}]*")
# A number of this many digits or more reads as a phone number (or an account, a licence):
# it is the store's own only when it is exactly a number of the fact sheet, whole.
_PHONE_DIGITS = 7
_SEPARATORS = re.compile(r"[\s\-－—:：()（）/.·]")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_CLAUSE_END = re.compile(r"[。！？!?\n，,；;]")
_CONCEPT = re.compile(r"\{([a-z_]+)\}")
_HAN = re.compile(r"[\u3400-\u9fff]")
# Chinese digits read one by one (一三八…, 幺 as said on the phone, 壹贰叁 as on a cheque)
# in a run of three or more, or next to an Arabic digit: a number, not prose (一一, 十五
# and 第一 stay as they are).
_HAN_DIGIT = "〇零一二三四五六七八九幺壹贰叁肆伍陆柒捌玖"
# One Chinese digit after a number and before a word stays a word (2100 一直, 8 一份).
_HAN_DIGIT_RUN = re.compile(
    f"(?<=[0-9])[{_HAN_DIGIT}]{{2,}}|(?<=[0-9])[{_HAN_DIGIT}](?![\u3400-\u9fff])"
    f"|[{_HAN_DIGIT}]+(?=[0-9])|[{_HAN_DIGIT}]{{3,}}"
)
_TO_ASCII = str.maketrans(_HAN_DIGIT, "001234567891123456789")
# Cantonese written words read as their Mandarin ones, one character for one, so a rule
# written once covers a Hong Kong reply too (我哋唔会要求你改评价, 开咗四十年, 系佢哋嘅问题).
_CANTONESE = str.maketrans("唔冇嘅咗哋俾畀嚟佢喺啲睇", "不没的了们给给来他在些看")
# Cantonese words of as many characters as their Mandarin ones (each keeps its place), read
# after the one-character table: 而家 现在, 嗰日 那天, 你话 你说 (话 alone stays: 电话, 说话).
_CANTONESE_WORDS = {
    "而家": "现在",
    "嗰日": "那天",
    "嗰阵": "那时",
    "嗰度": "那里",
    "边度": "哪里",
    "不使": "不用",
    "自己话": "自己说",
    "又话": "又说",
    "你话": "你说",
    "您话": "您说",
    "他话": "他说",
}
_CANTONESE_WORD = re.compile("|".join(sorted(_CANTONESE_WORDS, key=len, reverse=True)))
# 系 is Cantonese 是 only on its own, not inside a Mandarin word (系统, 联系, 没关系, 体系).
_CANTONESE_XI = re.compile("(?<![联关体维派直干院星水母父语世谱科])系(?![统列数])")
# A number set apart after a phone number with a space is a note on it when a unit follows
# (028-6543 2100 24小时开机, 2100 10点到22点, 2100 7 days), not more of its digits: the space
# is read as a comma, since spaces are read past (`_NUMBER_RUN` reads 2100（24小时） apart).
_NOTE_GAP = re.compile(rf"(?<=[0-9])\s+(?={_NOTE})")
# The number before such a note: as many digits as a phone number (建设南路1 2号 is none).
_NUMBER_BEFORE = re.compile(r"[0-9](?:[\s\-－—–‐‑.·・/_~()（）+]{0,3}[0-9])*$")
# Read past, so that quoting a word does not hide it (删「差评」).
_QUOTE_MARKS = frozenset("「」『』“”‘’\"'《》")
# Symbols a writer puts between two Chinese characters to split a word (免*单, 菜_钱).
_SPLITTERS = frozenset("*_|~^`·•-/\\+=#.")


@dataclass(frozen=True, slots=True)
class Violation:
    """One reason a reply cannot be posted; `message_zh` and `suggestion` are shown to
    staff as they are.

    `code` is the rule (promise, delete_request, private_data, blame, argue,
    invented_fact, …); `found` is the offending text as the reply wrote it; `family` names
    the kind of wording the rule caught (data/guardrails.toml), empty for the fixed checks.
    """

    code: str
    message_zh: str
    found: str = ""
    family: str = ""
    suggestion: str = ""

    def to_json(self) -> dict[str, str]:
        """As stored with a draft and printed by `reviewbot draft`."""
        return {
            "code": self.code,
            "message": self.message_zh,
            "found": self.found,
            "suggestion": self.suggestion,
        }

    def to_guard(self) -> dict[str, str]:
        """As `reviewbot guard` prints it (DESIGN.md)."""
        return {
            "rule": self.code,
            "span": self.found,
            "message": self.message_zh,
            "suggestion": self.suggestion,
        }

    def explained(self) -> str:
        """The message and the suggestion, as one line for a chat."""
        return f"{self.message_zh}{self.suggestion}" if self.suggestion else self.message_zh


class _HasReplyLimit(Protocol):
    reply_max_chars: int


@dataclass(frozen=True, slots=True)
class ReplyLimits:
    """A platform's reply rules: how long a reply may be and how many a review may have."""

    max_chars: int = DEFAULT_MAX_CHARS
    max_replies: int = 1
    replaces: bool = False  # a new reply replaces the published one: no count to keep

    @classmethod
    def of(cls, limits: ReplyLimits | _HasReplyLimit | None) -> ReplyLimits:
        """Accepts these limits, a platform's `Capabilities`, or None (the defaults)."""
        if limits is None:
            return cls()
        if isinstance(limits, ReplyLimits):
            return limits
        return cls(
            max_chars=limits.reply_max_chars,
            max_replies=getattr(limits, "max_replies_per_review", 1),
            replaces=getattr(limits, "replaces_reply", False),
        )


@dataclass(frozen=True, slots=True)
class _Advice:
    """What staff are told about a hit: the problem, what to do, and how to reword."""

    message: str
    advice: str
    rewrite: str
    # "clause": the clause holding the hit is replaced; "span": the hit is; "sentence": the
    # whole sentence is (a learned refusal: the scorer reads the sentence, and the words it
    # names may be only part of what it read as the promise)
    mode: str
    rewrite_en: str = ""  # `rewrite` in a sentence staff wrote in English


@dataclass(frozen=True, slots=True)
class _Hit:
    """A hit of a `_Together`, shaped like a regex match for the rule loop."""

    start: int
    end: int
    text: str
    heads: tuple[int, ...]  # where each of the words begins: a negation may precede any

    def span(self) -> tuple[int, int]:
        return self.start, self.end

    def group(self, _: int = 0) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class _Together:
    """Words of several kinds in one clause or sentence, in any order (money and a word
    for waiving it: 这单您不用付了, 您这次的消费由本店承担); the hit runs from the first
    to the last of them."""

    pieces: tuple[re.Pattern[str], ...]
    unit: re.Pattern[str]

    def finditer(self, text: str) -> Iterator[_Hit]:
        start = 0
        for stop in [*(m.start() for m in self.unit.finditer(text)), len(text)]:
            found = _apart([list(p.finditer(text, start, stop)) for p in self.pieces])
            if found:
                first = min(m.start() for m in found)
                last = max(m.end() for m in found)
                heads = tuple(m.start() for m in found)
                yield _Hit(first, last, text[first:last], heads)
            start = stop + 1


def _apart(
    options: list[list[re.Match[str]]], taken: tuple[re.Match[str], ...] = ()
) -> tuple[re.Match[str], ...]:
    """One match of each piece, none overlapping another (the 费 and the 免 of 免费 are one
    word, not a cost and a word waiving it), or () when there is no such choice."""
    if not options:
        return taken
    for match in options[0]:
        if all(match.end() <= t.start() or t.end() <= match.start() for t in taken):
            chosen = _apart(options[1:], (*taken, match))
            if chosen:
                return chosen
    return ()


_UNITS = {"clause": _CLAUSE_END, "sentence": _SENTENCE_END}


@dataclass(frozen=True, slots=True)
class _Family:
    """A group of patterns catching one kind of wording, with its advice for staff."""

    name: str
    advice: _Advice
    allow: str
    patterns: tuple[re.Pattern[str] | _Together, ...]
    word_start: bool
    negatable: bool
    exempt_before: re.Pattern[str] | None
    exempt_after: re.Pattern[str] | None
    review_exempt: bool  # the customer's own words, found in the review, are theirs to quote
    unless: re.Pattern[str] | None  # a sentence saying this lets a hit in it through
    # A sentence saying `sentence_unless` (and not `sentence_unless_not`) lets a hit in it through
    # (平台已经给您退了: a fact about the platform, not the store's offer).
    sentence_unless: re.Pattern[str] | None = None
    sentence_unless_not: re.Pattern[str] | None = None
    # A reply saying every one of these lets a hit anywhere in it through (an explanation
    # that also owns the customer's experience and says what will change is no argument).
    reply_unless_all: tuple[re.Pattern[str], ...] = ()
    # Checked only on generated text (the engine's or a model's draft): a person of the
    # store may state what they know of it (a price, a dish, the opening hours).
    generated_only: bool = False
    # A hit must end where jieba ends a word: 我们出 is the store paying, not inside 我们出餐.
    word_end: bool = False
    # A hit right before a quotation as written (您在评价里写“…”) introduces the customer's
    # words: it names what they wrote, it asks nothing (the quoted words stay checked).
    quote_exempt_after: bool = False
    # A concession that follows the hit (the rule's `concession`), later in its sentence or
    # in the next one: the explanation turns to the customer's experience and what the store
    # will do (…是按传统做法，但每个人吃辣不同，我们会加一个微辣选项; 都是现炒的。不过您有这样
    # 的感受，说明我们的口味还不够好): a polite clarification, not an argument.
    conceded: re.Pattern[str] | None = None
    # The reply owns the customer's experience (the rule's `owned_reply`: it apologises and
    # says what the store will change) and the hit's sentence does not turn against them
    # before it (`owned_turn`: 抱歉，不过…): an explanation the store owns, not a shifting
    # of fault or an argument (抱歉让您久等，今天下大雨骑手路上慢了，我们会提前备餐).
    owned: bool = False


@dataclass(frozen=True, slots=True)
class _Rule:
    code: str
    families: tuple[_Family, ...]
    quotes_exempt: bool
    crisis_only: bool
    conditional: re.Pattern[str] | None
    yields_to: tuple[str, ...]  # rules whose hits this rule's overlapping hits repeat
    # The customer's words named back as theirs (您说的“…”, their review's words) are read
    # as blanks: quoting 免单 or 分明 from the review offers or argues nothing.
    named_exempt: bool | str = False  # "staff": only in a staff edit
    # A sentence saying the first and not the second lets any of the rule's hits in it
    # through (a fee the store charges nobody is its price list, not an offer).
    standing: tuple[re.Pattern[str], re.Pattern[str]] | None = None
    # The same for a clause: a standing house rule (米饭免费续, 本店茶水免费) stated in a
    # clause naming neither the customer nor this meal, in a sentence offering nothing.
    # (clause words, clause unless, sentence unless)
    house_rule: tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]] | None = None
    # What a refusal under this rule by the learned scorer must name somewhere in the reply
    # (a promise names what is given): without it, the scorer's reading is let go.
    learned_needs: re.Pattern[str] | None = None
    # (every pattern the reply must say, the turn that voids it before a hit in its sentence,
    # words that void it inside the hit: the customer named as the one at fault) for families
    # with `owned = true` (`_Family.owned`).
    owned_reply: tuple[
        tuple[re.Pattern[str], ...], re.Pattern[str] | None, re.Pattern[str] | None
    ] = ((), None, None)
    # A negation inside a hit, right before its last word, governs that word (评价您不用改,
    # 这条评价就不必删了): what the store says the customer need not do is no request.
    negated_verb: bool = False
    # `exempt_before` for a staff edit only (the customer's words reported: 您说要退款).
    staff_exempt_before: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class _Negation:
    words: tuple[str, ...]
    idioms: tuple[str, ...]
    scope: int
    # The store's own "we will not" (我们不会, 本店从来不会) governs the rest of its clause,
    # however long the way to the hit (我们不会以任何形式私下联系您要求修改评价).
    clause_words: re.Pattern[str] | None = None

    def before(self, text: str, start: int) -> bool:
        """Whether a negation word comes shortly before `start`, in the same clause (or
        不/没 right before it: 不是骑手的问题, 不怪骑手), or the store's "we will not"
        anywhere before it in the clause."""
        if text[start - 1 : start] in ("不", "没", "非"):
            return True
        clause = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
        if self.clause_words and self.clause_words.search(text, clause, start):
            return True
        prefix = text[max(clause, start - self.scope) : start]
        for idiom in self.idioms:
            prefix = prefix.replace(idiom, "□" * len(idiom))
        return any(word in prefix for word in self.words)

    def inside(self, text: str, start: int, end: int) -> bool:
        """Whether a negation word inside text[start:end] (not at its start) governs its
        last word: it ends at most four characters before the hit does (评价您不用改)."""
        hit = text[start:end]
        for idiom in self.idioms:
            hit = hit.replace(idiom, "□" * len(idiom))
        return any(
            at > 0 and len(hit) - (at + len(word)) <= 4
            for word in self.words
            for at in (m.start() for m in re.finditer(re.escape(word), hit))
        )


@dataclass(frozen=True, slots=True)
class _Rules:
    rules: tuple[_Rule, ...]
    advice: dict[str, _Advice]  # the fixed checks, by code
    negation: _Negation
    number_claim: re.Pattern[str]  # numbers that state a price, a sum or an id
    words: tuple[str, ...]  # the concepts' words, for jieba (see `word_starts`)


_ALLOWANCES = ("", "facts", "numbers", "remedy", "proofs", "any_proof")
_MODES = ("clause", "span")


def _expand(pattern: str, concepts: dict[str, str], where: str) -> re.Pattern[str]:
    """`pattern` with each `{concept}` replaced by its words as one alternation."""

    def concept(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in concepts:
            raise ValueError(f"guardrails.toml: {where}: unknown concept {{{name}}}")
        return concepts[name]

    return re.compile(_CONCEPT.sub(concept, pattern))


def _advice(table: dict[str, Any], base: _Advice | None, where: str) -> _Advice:
    mode = table.get("rewrite_mode", base.mode if base else "clause")
    if mode not in _MODES:
        raise ValueError(f"guardrails.toml: {where}: unknown rewrite_mode {mode!r}")
    return _Advice(
        message=table.get("message", base.message if base else ""),
        advice=table.get("advice", base.advice if base else ""),
        rewrite=table.get("rewrite", base.rewrite if base else ""),
        mode=mode,
        rewrite_en=table.get("rewrite_en", base.rewrite_en if base else ""),
    )


def _rule(code: str, table: dict[str, Any], concepts: dict[str, str]) -> _Rule:
    base = _advice(table, None, code)
    families = []
    for family in table["family"]:
        where = f"[{code}] {family['name']}"
        allow = family.get("allow", table.get("allow", ""))
        if allow not in _ALLOWANCES:
            raise ValueError(f"guardrails.toml: {where}: unknown allow {allow!r}")
        exempt = family.get("exempt_before", table.get("exempt_before"))
        exempt_after = family.get("exempt_after", table.get("exempt_after"))
        unless = family.get("unless", table.get("unless"))
        sentence_unless = family.get("sentence_unless")
        sentence_unless_not = family.get("sentence_unless_not")
        reply_unless_all = tuple(
            _expand(p, concepts, where) for p in family.get("reply_unless_all", ())
        )
        concession = table.get("concession") if family.get("conceded", False) else None
        families.append(
            _Family(
                name=family["name"],
                advice=_advice(family, base, where),
                allow=allow,
                patterns=(
                    *(_expand(p, concepts, where) for p in family.get("patterns", ())),
                    *(
                        _Together(
                            tuple(_expand(p, concepts, where) for p in together),
                            _UNITS[family.get("within", "clause")],
                        )
                        for together in family.get("together", ())
                    ),
                ),
                word_start=family.get("word_start", table.get("word_start", False)),
                negatable=family.get("negatable", table.get("negatable", False)),
                exempt_before=_expand(exempt, concepts, where) if exempt else None,
                exempt_after=_expand(exempt_after, concepts, where) if exempt_after else None,
                review_exempt=family.get("review_exempt", table.get("review_exempt", False)),
                unless=re.compile(unless) if unless else None,
                sentence_unless=_expand(sentence_unless, concepts, where)
                if sentence_unless
                else None,
                sentence_unless_not=(
                    _expand(sentence_unless_not, concepts, where) if sentence_unless_not else None
                ),
                reply_unless_all=reply_unless_all,
                generated_only=family.get("generated_only", table.get("generated_only", False)),
                word_end=family.get("word_end", False),
                quote_exempt_after=family.get("quote_exempt_after", False),
                conceded=_expand(concession, concepts, where) if concession else None,
                owned=family.get("owned", False),
            )
        )
    conditional = table.get("conditional")
    return _Rule(
        code=code,
        families=tuple(families),
        quotes_exempt=table.get("quotes_exempt", False),
        crisis_only=table.get("crisis_only", False),
        conditional=re.compile(conditional) if conditional else None,
        yields_to=tuple(table.get("yields_to", ())),
        named_exempt=table.get("named_exempt", False),
        standing=(
            (
                _expand(table["standing"], concepts, code),
                _expand(table["standing_not"], concepts, code),
            )
            if "standing" in table
            else None
        ),
        house_rule=(
            (
                _expand(table["house_rule"], concepts, code),
                _expand(table["house_rule_not"], concepts, code),
                _expand(table["house_rule_sentence_not"], concepts, code),
            )
            if "house_rule" in table
            else None
        ),
        learned_needs=(
            _expand(table["learned_needs"], concepts, code) if "learned_needs" in table else None
        ),
        owned_reply=(
            tuple(_expand(p, concepts, code) for p in table.get("owned_reply", ())),
            _expand(table["owned_turn"], concepts, code) if "owned_turn" in table else None,
            _expand(table["owned_not"], concepts, code) if "owned_not" in table else None,
        ),
        negated_verb=table.get("negated_verb", False),
        staff_exempt_before=(
            _expand(table["staff_exempt_before"], concepts, code)
            if "staff_exempt_before" in table
            else None
        ),
    )


@cache
def _rules() -> _Rules:
    data: dict[str, Any] = guardrail_data()
    concepts = {
        name: "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
        for name, words in data["concepts"].items()
    }
    fact = data["invented_fact"]
    fact_advice = _advice(fact, None, "invented_fact")
    advice = {
        code: _advice(table, None, code)
        for code, table in data.items()
        if "message" in table and "family" not in table
    }
    advice["invented_number"] = _advice({"message": fact["number_message"]}, fact_advice, "")
    advice["invented_dish"] = _advice({"message": fact["dish_message"]}, fact_advice, "")
    negation = data["negation"]
    return _Rules(
        rules=tuple(
            _rule(code, table, concepts) for code, table in data.items() if "family" in table
        ),
        advice=advice,
        negation=_Negation(
            words=tuple(negation["words"]),
            idioms=tuple(sorted(negation["not_negation"], key=len, reverse=True)),
            scope=negation["scope"],
            clause_words=(
                _expand(negation["clause_words"], concepts, "negation")
                if "clause_words" in negation
                else None
            ),
        ),
        number_claim=re.compile(fact["number_claim"]),
        words=tuple(
            sorted({w for words in data["concepts"].values() for w in words if len(w) > 1})
        ),
    )


def _dropped(char: str) -> bool:
    """Read past: quotation marks, spaces (not line breaks), emoji and invisible
    formatting characters."""
    if char in _QUOTE_MARKS or (char != "\n" and char.isspace()):
        return True
    if char in "\ufe0e\ufe0f":  # emoji presentation (the 1️⃣ of a keycap digit)
        return True
    return unicodedata.category(char) in ("Cf", "So", "Sk", "Co", "Me")


def _word_char(char: str) -> bool:
    return bool(_HAN.match(char)) or (char.isascii() and char.isalnum())


def _splits_a_word(kept: list[tuple[str, int]], i: int) -> bool:
    """Whether the symbol at i splits a word: between two Chinese characters (免*单), or
    in a run of letters and digits spaced out symbol by symbol (1·3·8·0, w*x*1*2)."""
    before = i - 1
    while before >= 0 and kept[before][0] in _SPLITTERS:
        before -= 1
    after = i + 1
    while after < len(kept) and kept[after][0] in _SPLITTERS:
        after += 1
    if before < 0 or after >= len(kept):
        return False
    left, right = kept[before][0], kept[after][0]
    if not (_word_char(left) and _word_char(right)):
        return False
    if _HAN.match(left) and _HAN.match(right):
        return True
    spaced_left = before > 0 and kept[before - 1][0] in _SPLITTERS
    spaced_right = after + 1 < len(kept) and kept[after + 1][0] in _SPLITTERS
    return spaced_left or spaced_right


_STOPS = frozenset("，,。！？!?；;\n")
_FULL_STOPS = str.maketrans("，；！？", ",;!?")


def _with_stops(kept: list[tuple[str, int]], written: str) -> list[tuple[str, int]]:
    """`kept` with the commas and full stops the analyzer's reading dropped as filler put
    back (服 务 员 ， 没 顾 上 您 loses its comma there): a clause still ends where staff
    ended it."""
    present = {origin for _, origin in kept}
    missing = [i for i, ch in enumerate(written) if ch in _STOPS and i not in present]
    if not missing:
        return kept
    out: list[tuple[str, int]] = []
    at = 0
    for ch, origin in kept:
        while at < len(missing) and missing[at] < origin:
            out.append((written[missing[at]].translate(_FULL_STOPS), missing[at]))
            at += 1
        out.append((ch, origin))
    out.extend((written[i].translate(_FULL_STOPS), i) for i in missing[at:])
    return out


def _digits(text: str) -> str:
    return _HAN_DIGIT_RUN.sub(lambda m: m.group(0).translate(_TO_ASCII), text)


@dataclass(frozen=True, slots=True)
class _Text:
    """Text as the rules read it (`_read`), with a way back to the words as written;
    `body` is the same with the engine's own quotes of the customer blanked (same length)."""

    text: str
    body: str
    source: tuple[int, ...]
    written: str

    def written_bounds(self, start: int, end: int) -> tuple[int, int]:
        return self.source[start], self.source[end - 1] + 1

    def written_at(self, start: int, end: int) -> str:
        """The written text that reads as text[start:end], to show staff their own words."""
        first, last = self.written_bounds(start, end)
        return self.written[first:last]


def _read(written: str, quotes: Collection[str] = ()) -> _Text:
    """The analyzer's normalisation (script, width, split-up words), then spaces, quotation
    marks, emoji and symbols splitting Chinese characters read past, and Chinese digit runs
    read as digits; each character keeps the index of the written one it comes from."""
    folded = normalize(written)
    read = _CANTONESE_XI.sub("是", folded.text.translate(_CANTONESE))
    read = _CANTONESE_WORD.sub(lambda m: _CANTONESE_WORDS[m[0]], read)
    read = _NOTE_GAP.sub(lambda m: _note_gap(m, read), read)
    kept = [(ch, folded.source[i]) for i, ch in enumerate(read) if not _dropped(ch)]
    kept = _with_stops(kept, written)
    chars: list[str] = []
    source: list[int] = []
    for i, (ch, origin) in enumerate(kept):
        if ch not in _SPLITTERS or not _splits_a_word(kept, i):
            chars.append(ch)
            source.append(origin)
    text = _digits("".join(chars))
    quoted: set[int] = set()
    for quote in quotes:
        inner = quote.strip().removeprefix("「").removesuffix("」")
        if not inner:
            continue
        at = written.find(f"「{inner}」")
        while at >= 0:
            quoted.update(range(at, at + len(inner) + 2))
            at = written.find(f"「{inner}」", at + 1)
    body = "".join("□" if source[i] in quoted else ch for i, ch in enumerate(text))
    return _Text(text, body, tuple(source), written)


def _note_gap(match: re.Match[str], read: str) -> str:
    """The gap before a note on a phone number read as a comma (`_NOTE_GAP`)."""
    number = _NUMBER_BEFORE.search(read, 0, match.start())
    digits = sum(ch.isdigit() for ch in number[0]) if number else 0
    return "," + match[0][1:] if digits >= _PHONE_DIGITS else match[0]


@lru_cache(maxsize=256)
def normalise(text: str) -> str:
    """`text` as the guardrails read it: １３８, 1 3 8 and 一三八 all become 138, 菜 錢 全 免
    becomes 菜钱全免."""
    return _read(text).text


def _squash(text: str) -> str:
    return _SEPARATORS.sub("", text)


@dataclass(frozen=True, slots=True)
class _Sheet:
    """The store's fact sheet, normalised and squashed for finding a hit in it."""

    facts: str
    remedy: str
    proofs: str
    has_proof: bool
    digits: frozenset[str]

    @classmethod
    @lru_cache(maxsize=64)
    def of(cls, store: StoreProfile) -> _Sheet:
        facts = normalise(store.text)
        return cls(
            facts=_squash(facts),
            remedy=_squash(normalise(store.remedy)),
            proofs=_squash(normalise("".join(store.proofs))),
            has_proof=bool(store.proofs),
            digits=frozenset(_DIGITS.findall(facts)),
        )

    def allows(self, allow: str, hit: str) -> bool:
        if allow == "any_proof":
            return self.has_proof
        if allow == "numbers":
            numbers = _DIGITS.findall(hit)
            return bool(numbers) and all(n in self.digits for n in numbers)
        sheet = {"facts": self.facts, "remedy": self.remedy, "proofs": self.proofs}.get(allow)
        squashed = _squash(hit)
        if allow == "facts" and _dialled(hit) in self.phones:
            return True  # the store's own number, however it is split or prefixed
        return bool(sheet and squashed and squashed in sheet)

    @property
    def phones(self) -> frozenset[str]:
        """The fact sheet's numbers as dialled at home (separators gone: 02865432100)."""
        return frozenset(n for n in _DIGITS.findall(self.facts) if len(n) >= _PHONE_DIGITS)

    @property
    def own_numbers(self) -> frozenset[str]:
        """`phones`, each landline as dialled within its city (6543 2100 for 028-6543
        2100: area codes are 010 and 02x, else four digits), and as written after a country
        code without its trunk 0 (28-6543 2100)."""
        landlines = [n for n in self.phones if n.startswith("0") and 10 <= len(n) <= 12]
        local = (n[3 if n[1] in "12" else 4 :] for n in landlines)
        trunkless = (n[1:] for n in landlines)
        return self.phones | frozenset(n for n in (*local, *trunkless) if len(n) >= _PHONE_DIGITS)


def _allowed(sheet: _Sheet, allow: str, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is fine by the fact sheet (`_Sheet.allows`). A hit holding
    digits of a long number is the store's own only when that whole number is (`_numbers`):
    028-6543 2101, 8-6543 2100 or 028.6543.210 beside the store's 028-6543 2100 are other
    numbers, whatever of the store's they share."""
    if allow == "facts":
        own, foreign = _numbers(text, sheet)
        if any(i in foreign for i in range(start, end)):
            return False
        if any(i in own for i in range(start, end)) and all(
            i in own for i in range(start, end) if text[i].isdigit()
        ):
            return True
    return sheet.allows(allow, text[start:end])


@lru_cache(maxsize=256)
def _numbers(text: str, sheet: _Sheet) -> tuple[frozenset[int], frozenset[int]]:
    """(own, foreign): the places in `text` of the digits of the store's own numbers
    (exactly a number of the fact sheet, however split or prefixed: `_dialled`), and of
    every other number long enough to be a phone number (`_PHONE_DIGITS`). A run of digits
    split by commas may be one number (028，6543，2100) or a list (2100，10点): the longest
    parts that dial one of the store's numbers are its own, the rest is read apart."""
    own: set[int] = set()
    foreign: set[int] = set()
    numbers = sheet.own_numbers
    for run in _NUMBER_RUN.finditer(text):
        parts: list[tuple[int, int]] = []
        at = run.start()
        for mark in _LIST_MARK.finditer(text, run.start(), run.end()):
            parts.append((at, mark.start()))
            at = mark.end()
        parts.append((at, run.end()))
        rest: list[tuple[int, int]] = []
        first = 0
        while first < len(parts):
            for last in range(len(parts) - 1, first - 1, -1):
                begin, stop = parts[first][0], parts[last][1]
                if _dialled(text[begin:stop]) in numbers:
                    own.update(range(begin, stop))
                    rest.append((-1, -1))
                    first = last + 1
                    break
            else:
                rest.append(parts[first])
                first += 1
        chunk: list[tuple[int, int]] = []
        for part in [*rest, (-1, -1)]:
            if part[0] >= 0:
                chunk.append(part)
                continue
            places = [i for b, e in chunk for i in range(b, e) if text[i].isdigit()]
            if len(places) >= _PHONE_DIGITS:
                foreign.update(places)
            chunk = []
    return frozenset(own), frozenset(foreign)


def _dialled(hit: str) -> str:
    """The one number `hit` holds, as dialled at home: its digits, whatever splits them,
    with a country code (+86, 0086) read as the trunk 0 it stands for (+86 28 6543 2100
    is 028 6543 2100). Empty when `hit` holds no digit."""
    digits = "".join(_DIGITS.findall(hit))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 10:
            rest = digits[len(prefix) :]
            return rest if len(rest) == 11 and rest.startswith("1") else "0" + rest
    return digits


_QUOTE_OPENS = "“「『\"'‘《"


def _quote_follows(reply: _Text, end: int) -> bool:
    """Whether a quotation opens right after text[:end] as written (a colon or a comma and
    spaces between)."""
    at = reply.source[end - 1] + 1
    rest = reply.written[at : at + 4].lstrip(" :：,，")
    return rest[:1] in _QUOTE_OPENS


def _sentence_says(text: str, start: int, end: int, words: re.Pattern[str]) -> bool:
    """Whether the sentence holding text[start:end] says `words` (是我们的问题 after 骑手送错)."""
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    stop = _SENTENCE_END.search(text, end)
    return bool(words.search(text, begin, stop.start() if stop else len(text)))


def _conceded(text: str, start: int, end: int, concession: re.Pattern[str]) -> bool:
    """Whether `concession` is said from the clause holding text[start:end] (但每个人口味不同)
    to the end of the next sentence."""
    clause = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    stop = _SENTENCE_END.search(text, end)
    if stop is not None:
        stop = _SENTENCE_END.search(text, stop.end())
    return bool(concession.search(text, clause, stop.start() if stop else len(text)))


def _sentence_frees(
    text: str, start: int, end: int, words: re.Pattern[str], unless: re.Pattern[str] | None
) -> bool:
    """Whether the sentence holding text[start:end] says `words` and not `unless`."""
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    stop = _SENTENCE_END.search(text, end)
    finish = stop.start() if stop else len(text)
    if not words.search(text, begin, finish):
        return False
    return not (unless and unless.search(text, begin, finish))


def _house_rule(
    text: str,
    start: int,
    end: int,
    words: re.Pattern[str],
    clause_not: re.Pattern[str],
    sentence_not: re.Pattern[str],
) -> bool:
    """Whether the clause holding text[start:end] states a standing house rule (`words`,
    not `clause_not`: nobody named, no occasion) in a sentence offering nothing
    (not `sentence_not`)."""
    begin = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    stop = _CLAUSE_END.search(text, end)
    finish = stop.start() if stop else len(text)
    if not words.search(text, begin, finish) or clause_not.search(text, begin, finish):
        return False
    return not _sentence_frees(text, start, end, sentence_not, None)


def _owned_reply(
    text: str,
    start: int,
    end: int,
    says: tuple[re.Pattern[str], ...],
    turn: re.Pattern[str] | None,
    inside: re.Pattern[str] | None,
) -> bool:
    """Whether the reply says every one of `says` (it owns the customer's experience and
    says what the store will change), the sentence holding the hit does not `turn` before
    it (抱歉，不过…: the apology taken back) and the hit does not say `inside` (您起身太突然:
    the customer made the one at fault, whatever the reply owns besides)."""
    if not says or not all(p.search(text) for p in says):
        return False
    if inside and inside.search(text, start, end):
        return False
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    return not (turn and turn.search(text, begin, start))


def _a_not_a(text: str, start: int) -> bool:
    """Whether a hit opening on 不 or 没 is the second half of an A-not-A pair (地道不地道,
    好吃没好吃): a question or a topic, which asserts neither side."""
    if text[start : start + 1] not in ("不", "没"):
        return False
    return any(
        start >= k and text[start - k : start] == text[start + 1 : start + 1 + k]
        for k in (1, 2)
        if _HAN.match(text[start - 1 : start] or " ")
    )


def _is_conditional(text: str, at: int, conditional: re.Pattern[str]) -> bool:
    """Whether the sentence leading up to `at` states a condition (如果核查确认…)."""
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, at)]
    return bool(conditional.search(text, starts[-1] if starts else 0, at))


_ENDS = "。！？!?\n"
_MARKS = _ENDS + "，,；;"


def _edit(
    written: str, first: int, last: int, advice: _Advice, breaks: Collection[int] = ()
) -> tuple[int, int, int, int]:
    """The sentence holding written[first:last] and the part of it a rewording replaces:
    the clause (mode "clause") or the words themselves (mode "span"). `breaks` end a
    sentence too (the end of the store's signature, with staff's words typed right after
    it)."""
    start = max((written.rfind(c, 0, first) for c in _ENDS), default=-1) + 1
    start = max([start, *(b for b in breaks if b <= first)])
    stops = [i for i in (written.find(c, last) for c in _ENDS) if i >= 0]
    stop = min(stops) + 1 if stops else len(written)
    stop = min([stop, *(b for b in breaks if b >= last)])
    if advice.mode == "span":
        return start, stop, first, last
    if advice.mode == "sentence":
        return start, stop, start, stop
    clause = max((written.rfind(c, start, first) for c in _MARKS), default=-1) + 1
    after = [i for i in (written.find(c, last, stop) for c in _MARKS) if i >= 0]
    return start, stop, max(clause, start), min(after) if after else stop


_Placed = tuple[tuple[int, int], _Advice]


def _suggest(
    reply: _Text,
    span: tuple[int, int],
    advice: _Advice,
    hits: list[_Placed],
    breaks: Collection[int] = (),
    refused: Callable[[str, str], bool] | None = None,
) -> str:
    """The advice, and staff's own sentence reworded: every clause of it holding words at
    fault replaced by its rule's wording (each wording once), or dropped; when nothing of
    the sentence is left, or the reworded sentence would be refused in the reply too
    (`refused(reply reworded, sentence)`: the words the scorer named were not all the
    promise), the advice to drop it: a suggestion staff take must go through."""
    written = reply.written
    start, stop, _, _ = _edit(written, *reply.written_bounds(*span), advice, breaks)
    english = not _HAN.search(written[start:stop])
    edits = []
    for other, other_advice in hits:
        s, e, a, b = _edit(written, *reply.written_bounds(*other), other_advice, breaks)
        if (s, e) == (start, stop):
            edits.append((a, b, other_advice.rewrite_en if english else other_advice.rewrite))
    pieces, at, used = [], start, set()
    for a, b, rewrite in sorted(edits):
        if a < at:
            continue  # inside a part already replaced
        pieces.append(written[at:a])
        pieces.append("" if rewrite in used else rewrite)
        used.add(rewrite)
        at = b
    pieces.append(written[at:stop])
    sentence = re.sub(r"([，,；;])(\s*[，,；;])+", r"\1", "".join(pieces).strip())
    sentence = re.sub(r"[，,；;]+(?=[。！？!?]|$)", "", sentence).strip("，,；; ")
    original = written[start:stop].strip()
    if sentence == original:
        return advice.advice
    kept = sentence if english else _HAN.search(sentence)  # something of it is left
    if kept and not (
        refused is not None and refused(written[:start] + sentence + written[stop:], sentence)
    ):
        return f"{advice.advice}可以改成：「{sentence}」"
    return f"{advice.advice}可以删掉这句：「{original}」"


class _Found:
    """Collects violations: each offending text once, under its first code; overlapping
    hits of one rule once ("是骑手" inside "是骑手的问题"); and nothing inside a text
    already reported ("有惊喜" inside "好评有惊喜")."""

    def __init__(self, rules: _Rules, reply: _Text | None = None) -> None:
        self.rules = rules
        self.reply = reply
        self.breaks: tuple[int, ...] = ()  # where the store's signature ends, as written
        self.items: list[Violation] = []
        self.spans: dict[str, list[tuple[int, int]]] = {}
        self._seen: set[str] = set()
        self._hits: list[tuple[tuple[int, int] | None, _Advice]] = []
        # whether a reworded reply is still refused for words of the reworded sentence
        self.refused: Callable[[str, str], bool] | None = None

    def overlaps(self, code: str, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.spans.get(code, ()))

    def _covered(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for spans in self.spans.values() for s, e in spans)

    def add(
        self,
        code: str,
        found: str = "",
        *,
        advice: _Advice | None = None,
        family: str = "",
        span: tuple[int, int] | None = None,
        **extra: object,
    ) -> None:
        if found:
            if found in self._seen:
                return
            if span is not None and (self.overlaps(code, *span) or self._covered(*span)):
                return
            if span is not None:
                self.spans.setdefault(code, []).append(span)
            self._seen.add(found)
        advice = advice or self.rules.advice[code]
        text = advice.message.replace("{found}", found)
        for key, value in extra.items():
            text = text.replace("{" + key + "}", str(value))
        self.items.append(Violation(code, text, found, family, advice.advice))
        self._hits.append((span, advice))

    def finish(self) -> list[Violation]:
        """The violations, each with its suggested rewording of the reply."""
        if self.reply is None:
            return self.items
        hits = [(span, advice) for span, advice in self._hits if span is not None]
        return [
            replace(
                item,
                suggestion=_suggest(self.reply, span, advice, hits, self.breaks, self.refused),
            )
            if span is not None
            else item
            for item, (span, advice) in zip(self.items, self._hits, strict=True)
        ]


def check_reply(
    text: str,
    *,
    review: ReviewText,
    analysis: Analysis,
    store: StoreProfile,
    platform_limits: ReplyLimits | _HasReplyLimit | None = None,
    replies_posted: int = 0,
    quotes: Collection[str] = (),
    learned: bool = False,
    by_staff: bool = False,
    suggest: bool = True,
) -> list[Violation]:
    """Every reason `text` must not be posted as the public reply to `review` (empty: OK).

    `quotes` are the customer's words the engine quoted in its draft (`Draft.quotes`), the
    only 「」 spans some rules (blame, invented facts) let through: pass them for the
    engine's draft and for a staff edit of it, never quotes taken from the edit itself.
    `learned`: also ask the learned scorer (scorer.py) about wording the rules let through;
    for text someone wrote (a staff edit, a model's draft), not the engine's own templates,
    which the template lint checks against the rules.
    `by_staff`: a person of the store wrote `text` (a staff edit): the facts only a
    generated text can invent (prices, dishes, opening hours, people, the store's size) are
    theirs to state; proofs, inspections, awards and everything else are checked as ever.
    `suggest`: check each suggested rewording the same way (False: the rewording's own check).
    """
    rules = _rules()
    limits = ReplyLimits.of(platform_limits)
    found = _Found(rules)
    if not text.strip():
        found.add("empty")
        return found.items
    if replies_posted >= limits.max_replies and not limits.replaces:
        found.add("already_replied", limit=limits.max_replies)
    if len(text) > limits.max_chars:
        found.add("too_long", str(len(text)), limit=limits.max_chars)

    reply = _read(text, quotes)
    found.reply = reply
    found.breaks = _signature_ends(text, store)
    sheet = _Sheet.of(store)
    said = _squash(normalise(review.text))
    crisis = is_crisis(analysis, review.text)
    named = _named_back(reply, review.text)
    near: list[str] = []
    _match_rules(reply, sheet, said, named, found, near, crisis=crisis, by_staff=by_staff)
    _check_scare_quotes(reply, said, found)
    if not by_staff:
        _check_invented(reply, review, said, store, sheet, rules, found)
    if learned and not any(v.code not in _FORM_CODES for v in found.items):
        _check_learned(reply, sheet, found, named, near)
    if suggest and found.items:

        def refused(reworded: str, sentence: str) -> bool:
            again = check_reply(
                reworded,
                review=review,
                analysis=analysis,
                store=store,
                quotes=quotes,
                learned=learned,
                by_staff=by_staff,
                suggest=False,
            )
            return any(v.code not in _FORM_CODES and v.found in sentence for v in again)

        found.refused = refused
    return found.finish()


def _match_rules(
    reply: _Text,
    sheet: _Sheet,
    said: str,
    named: Collection[int],
    found: _Found,
    near: list[str] | None = None,
    *,
    crisis: bool,
    by_staff: bool,
) -> None:
    """Every hit of the rules' families on the reply, into `found`; into `near`, each hit
    a release let through (negated, conceded, owned …) as `rule/family:why`: the rules'
    near misses, which the learned scorer may read (`ScorerConfig.near_weight`)."""
    rules = _rules()
    for rule in rules.rules:
        if rule.crisis_only and not crisis:
            continue
        target = reply.body if rule.quotes_exempt else reply.text
        if named and (rule.named_exempt is True or (rule.named_exempt == "staff" and by_staff)):
            target = "".join("□" if i in named else ch for i, ch in enumerate(target))
        for family in rule.families:
            if by_staff and family.generated_only:
                continue
            for pattern in family.patterns:
                for match in pattern.finditer(target):
                    start, end = match.span()
                    if start == end or _allowed(sheet, family.allow, target, start, end):
                        continue
                    if family.review_exempt and _quoted_amount(match.group(0), said):
                        continue
                    if family.word_start and start not in word_starts(target, rules.words):
                        continue
                    if family.word_end and end not in word_starts(target, rules.words):
                        continue
                    heads = getattr(match, "heads", (start,))
                    why = _released(rules, rule, family, reply, target, start, end, heads)
                    if (
                        not why
                        and by_staff
                        and rule.staff_exempt_before
                        and family.exempt_before  # a family without exemptions has none
                        and rule.staff_exempt_before.search(target[:start])
                    ):
                        why = "exempt_before"
                    if why:
                        if near is not None and not rule.crisis_only:
                            near.append(f"{rule.code}/{family.name}:{why}")
                        continue
                    if any(found.overlaps(other, start, end) for other in rule.yields_to):
                        continue
                    found.add(
                        rule.code,
                        reply.written_at(start, end),
                        advice=family.advice,
                        family=family.name,
                        span=(start, end),
                    )


def _released(
    rules: _Rules,
    rule: _Rule,
    family: _Family,
    reply: _Text,
    target: str,
    start: int,
    end: int,
    heads: tuple[int, ...],
) -> str:
    """Why a family's hit is let through (empty: it is not): the release that freed it."""
    if _a_not_a(target, start):
        return "a_not_a"
    if family.negatable and any(rules.negation.before(target, h) for h in heads):
        return "negated"
    if family.negatable and rule.negated_verb and rules.negation.inside(target, start, end):
        return "negated"
    if family.exempt_before and family.exempt_before.search(target[:start]):
        return "exempt_before"
    if family.exempt_after and family.exempt_after.match(target, end):
        return "exempt_after"
    if family.quote_exempt_after and _quote_follows(reply, end):
        return "quote"
    if family.conceded and _conceded(target, start, end, family.conceded):
        return "conceded"
    if family.unless and _sentence_says(target, start, end, family.unless):
        return "owned"
    if family.reply_unless_all and all(p.search(target) for p in family.reply_unless_all):
        return "reply_unless"
    if family.owned and _owned_reply(target, start, end, *rule.owned_reply):
        return "owned_reply"
    if family.sentence_unless and _sentence_frees(
        target, start, end, family.sentence_unless, family.sentence_unless_not
    ):
        return "sentence_unless"
    if rule.standing and _sentence_frees(target, start, end, *rule.standing):
        return "standing"
    if rule.house_rule and _house_rule(target, start, end, *rule.house_rule):
        return "house_rule"
    if rule.conditional and _is_conditional(target, start, rule.conditional):
        return "conditional"
    return ""


def _check_invented(
    reply: _Text,
    review: ReviewText,
    said: str,
    store: StoreProfile,
    sheet: _Sheet,
    rules: _Rules,
    found: _Found,
) -> None:
    """Dishes and prices a generated text names that neither the store's facts nor the
    customer give: made up (a person of the store knows its menu and prices)."""
    _check_dishes(reply, normalise(review.text), store, found)
    quoted = frozenset(_DIGITS.findall(said))
    claims = (
        digits
        for claim in rules.number_claim.finditer(reply.body)
        for digits in _DIGITS.finditer(reply.body, *claim.span())
    )
    for match in claims:
        start, end = match.span()
        number = match.group(0)
        if number in sheet.digits or number in quoted:
            continue
        if len(number) >= 5 and number in sheet.facts:  # 028-6543 2100 read as one run
            continue
        if not found.overlaps("private_data", start, end):
            found.add(
                "invented_fact",
                reply.written_at(start, end),
                advice=rules.advice["invented_number"],
                family="number",
                span=(start, end),
            )


@cache
def _scare_words() -> re.Pattern[str] | None:
    """argue's `scare_quoted`: words that, set alone in quotation marks, are sarcasm."""
    words = guardrail_data().get("argue", {}).get("scare_quoted")
    return re.compile(words) if words else None


def _check_scare_quotes(reply: _Text, said: str, found: _Found) -> None:
    """Praise put in quotation marks by staff (谢谢您的“宝贵”意见, 您的“指点”我们记下了): scare
    quotes, sarcasm, refused as arguing. Words the review itself says are the customer's,
    quoted back, and let through."""
    words = _scare_words()
    if words is None:
        return
    for match in _SCARE_QUOTED.finditer(reply.written):
        inner = _letters(normalise(match.group(1)))
        if not inner or not words.fullmatch(inner) or inner in said:
            continue
        places = [i for i, o in enumerate(reply.source) if match.start(1) <= o < match.end(1)]
        if not places:
            continue
        found.add(
            "argue",
            match.group(1),
            advice=_family_advice("argue"),
            family="scare_quotes",
            span=(places[0], places[-1] + 1),
        )


# A short quotation (one to eight characters) as written.
_SCARE_QUOTED = re.compile(r"[“「『\"]([^”」』\"]{1,8})[”」』\"]")
# Refusals about the form of a reply, not its words: the learned scorer still reads it.
_FORM_CODES = frozenset({"too_long", "already_replied"})


@cache
def _family_advice(code: str) -> _Advice:
    return _advice(guardrail_data()[code], None, code)


def _check_learned(
    reply: _Text,
    sheet: _Sheet,
    found: _Found,
    named: Collection[int] = (),
    near: Collection[str] = (),
) -> None:
    """A wording the rules let through that the scorer reads as breaking a rule: refused
    under that rule, naming the words that weigh most in its score. The store's own numbers
    (its phone, its address) and the customer's words named back as theirs (`_named_back`)
    are read as blanks: the scorer knows no store's facts, and the customer's words are
    not the reply's."""
    model = scorer.default_model()
    text = _blanked(reply, sheet, named)
    if model is None or len(text.strip()) < scorer.MIN_CHARS:
        return
    reads = scorer.readings(text, words_of, model.config, near)
    probabilities, which = model.best(reads)
    over = probabilities - model.threshold
    needs = {rule.code: rule.learned_needs for rule in _rules().rules}
    for family in sorted(range(len(over)), key=lambda f: -float(over[f])):
        if over[family] < 0:
            return
        wanted = needs.get(model.families[family])
        if wanted is None or wanted.search(text):
            break  # the first family over its threshold whose reading the reply bears out
    else:
        return
    at, part, features = reads[int(which[family])]
    start, end = model.explain(features, family, part)
    start, end = start + at, end + at
    left, right = clause_bounds(text, start, end)
    while start < end and not _word_char(text[start]):
        start += 1
    while end > start and not _word_char(text[end - 1]):
        end -= 1
    if start >= end:
        start, end = left, right
    if _allowed(sheet, "facts", reply.text, start, end):
        return  # the store's own words (read as written: `text` has its numbers blanked)
    code = model.families[family]
    if code == "private_data" and any(
        text[i] == "□" and reply.text[i].isdigit() and i not in named for i in range(start, end)
    ):
        return  # what weighs most is the store's own number: the phone rule reads any other
    owned = _owning(code)
    if owned is not None and _sentence_says(text, start, end, owned):
        return  # the sentence owns the failure, as it lets the rule's own hits through
    found.add(
        code,
        reply.written_at(start, end),
        advice=replace(_family_advice(code), mode="sentence"),
        family="learned",
        span=(start, end),
    )


def _blanked(reply: _Text, sheet: _Sheet, named: Collection[int]) -> str:
    """What the scorer reads: the reply as the rules read it, with the customer's words
    named back and the store's own numbers as blanks."""
    own, foreign = _numbers(reply.text, sheet)
    blank = {*named, *(i for i in own if reply.text[i].isdigit())}
    for number in _DIGITS.finditer(reply.text):
        places = range(*number.span())
        if not any(i in foreign for i in places) and _stores_number(number[0], sheet):
            blank.update(places)
    return "".join("□" if i in blank else ch for i, ch in enumerate(reply.body))


def _stores_number(number: str, sheet: _Sheet) -> bool:
    """One of the fact sheet's numbers, or several of them read as one run (028-6543 2100
    written 零二八六五四三二一零零); not a part of a longer number (`_numbers`: 028 and
    6543 in 028.6543.2101 are another number's)."""
    return number in sheet.digits or (len(number) >= 5 and number in sheet.facts)


def learned_reading(text: str, review: str, store: StoreProfile) -> str:
    """Exactly the text `check_reply` gives the learned scorer for `text` answering
    `review` at `store` (its training reads its edits so too)."""
    reply = _read(text)
    return _blanked(reply, _Sheet.of(store), _named_back(reply, review))


def learned_near(text: str, review: str, store: StoreProfile) -> tuple[str, ...]:
    """The rules' near misses `check_reply` gives the learned scorer beside the text, for a
    staff edit (`_match_rules`; the food-safety rules, which it does not learn, aside)."""
    reply = _read(text)
    sheet = _Sheet.of(store)
    near: list[str] = []
    named = _named_back(reply, review)
    said = _squash(normalise(review))
    _match_rules(reply, sheet, said, named, _Found(_rules()), near, crisis=False, by_staff=True)
    return tuple(near)


@cache
def _owning(code: str) -> re.Pattern[str] | None:
    """The rule's `unless`: words by which a sentence owns the failure (是我们保温没做好)."""
    unless = guardrail_data().get(code, {}).get("unless")
    return re.compile(unless) if unless else None


_UNIT = re.compile(r"(个)?(元|块钱|块|毛钱|毛|角)$")
# The customer as the one who said the quoted words: 您说的“…”, 你提到「…」, 您在评价里写道：“…”,
# 您说我们“…” (what they said of the store), 您说店员讲了“…” (what they report a person of the
# store said).
_SAID_BY_YOU = re.compile(
    r"(您|你|閣下|阁下)(们)?(在)?(评价|評價|评论|評論|点评|點評|留言)?(里|裡|中|上)?(说|說|写|寫|提到|讲|講|反映|问|問)"
    r"(的|道|过|過|了)?(我们|我們|我们店|店里|店裡|本店|服务员|服務員|店员|店員|员工|員工|师傅|師傅"
    r"|厨师|廚師|老板|老闆|收银员|收銀員|前台|我们的?[^\s“「『\"]{1,4})?((对|對)(您|你))?"
    r"(讲|講|说|說|回|答|骂|罵)?(了|的是|过|過|道)?[:：,，]?\s*$"
)
_QUOTED = re.compile(r"[“「『\"]([^”」』\"]{2,60})[”」』\"]")


def _letters(text: str) -> str:
    return "".join(ch for ch in text if _word_char(ch))


def _named_back(reply: _Text, review: str) -> frozenset[int]:
    """Where (in the text as read) the reply names the customer's own words back as
    theirs: a quotation introduced by 您说/您提到/你写 whose words the review says (at
    least four letters, punctuation aside, read as the rules read them). Such a quote
    repeats the customer; it neither offers, argues nor blames. The customer's private data
    stays checked (private_data reads the text as it is)."""
    said = _letters(normalise(review))
    if not said:
        return frozenset()
    spans: list[tuple[int, int]] = []
    for match in _QUOTED.finditer(reply.written):
        if not _SAID_BY_YOU.search(reply.written[max(0, match.start() - 12) : match.start()]):
            continue
        inner = _letters(normalise(match.group(1)))
        if len(inner) >= 4 and inner in said:
            spans.append(match.span(1))
    if not spans:
        return frozenset()
    return frozenset(
        i for i, origin in enumerate(reply.source) if any(a <= origin < b for a, b in spans)
    )


def _quoted_amount(hit: str, said: str) -> bool:
    """Whether the review says this sum, in any unit (二十元 for its 二十块钱)."""
    squashed = _squash(hit)
    number = _UNIT.sub("", squashed)
    return squashed in said or (len(number) >= 2 and number in said)


def _signature_ends(written: str, store: StoreProfile) -> tuple[int, ...]:
    """Where the store's signature ends in `written` (nothing of it is staff's sentence)."""
    signature = (store.signature or store.name).strip()
    if not signature:
        return ()
    return tuple(m.end() for m in re.finditer(re.escape(signature), written))


def _check_dishes(reply: _Text, review: str, store: StoreProfile, found: _Found) -> None:
    """A dish may be named only if it is on the menu or the customer named it."""
    lexicon = dish_lexicon()
    allowed = {*store.menu, *(dish for dish in lexicon if dish in review)}
    masked = reply.body
    for dish in sorted(allowed, key=lambda dish: (-len(dish), dish)):
        if dish:
            masked = masked.replace(dish, "□" * len(dish))
    advice = found.rules.advice["invented_dish"]
    named = (dish for dish in lexicon if dish in masked)
    hits = [m for dish in named for m in re.finditer(re.escape(dish), masked)]
    hits += [m for shape in dish_shapes() for m in shape.finditer(masked)]
    taken: list[tuple[int, int]] = []
    for match in sorted(hits, key=lambda m: (m.start(), -len(m.group(0)))):
        start, end = match.span()
        if match.group(0) in review or any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        found.add(
            "invented_fact",
            reply.written_at(start, end),
            advice=advice,
            family="dish",
            span=(start, end),
        )
