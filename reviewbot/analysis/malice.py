"""Malicious reviews, decided from evidence in the text and in what the store knows.

A malicious flag sends a review down the appeal path, which accuses a customer in front of
the platform, so a flag needs evidence, and every flag carries it (`MaliceEvidence`: the
reason, the customer's own words, the facts in plain Chinese) for staff and the appeal.

Text evidence (data/malice.toml) is made of small pieces (an amount, a demand for money, an
action on the review, a conditional, harm, a report to the authorities, another shop…)
that must be linked in order within one sentence (a combo): 给200就删 is an amount, a
conditional and an action. A match is worth the sum of its pieces, plus what else the
sentence says (an amount beside it; the shop asking the customer to delete, the customer
refusing, a story told in the past tense take away), and flags its reason only at or above
the reason's threshold, chosen for zero false accusations on tests/data/dev/malice.jsonl.
A combo marked `across` (a discourse combo) links pieces in different sentences of one
review, within its gap: a demand and what happens to the review once it is met, told in two
sentences (赔三百。钱到了，这条评价我自己会删); a precedent and the shop left to draw the
lesson (后来赔了我两千才算完。你们看着办); a lever and a veiled warning (我认识的人多，这种事
传出去对谁都不好); a report made ready and left to the shop's answer (截图都留着了，就看你们
态度). Its bonus pieces are read over every sentence it spans.
The text is normalised first (normalize.py), so Traditional, full-width and spaced-out
writing (給 2OO 就 刪) reads as the patterns are written; most reviews never get that far:
a cheap prefilter on cue strings skips the search when no combo could match.

A combo may prove more than one reason (`also`): money demanded under a threat of a report
(赔800，不然打12345) is a threat and extortion both, as the law reads 以举报相要挟索要钱财.
Extortion and threats are flagged on any review of three stars or fewer (or none) unless its
text reads as praise: the words are the harm, and a message with no stars often reads as
neutral to the sentiment model. A combo marked `any_stars` (harm promised to a person of
the shop: 下班别走, 拎刀来讲道理) flags a threat at four and five stars too. English reviews
(Google and Yelp review extortion) go through the same evidence; the English pieces are
written case-insensitive in the toml.

Context evidence (AnalysisContext, filled by the pipeline) decides flood, only for reviews
that hurt the store (negative, or 3 stars and below): the same text from different
authors, or one author bombing the store with hurting reviews in a day. The same customer
posting the same complaint on another platform is a cross-post, a matter of reach
(severity.py), never malice.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reviewbot.analysis.base import MALICIOUS_REASONS, AnalysisContext, MaliceEvidence
from reviewbot.analysis.dialect import cantonese_markers, fold_cantonese
from reviewbot.analysis.gates import AnyOf, literal_gate
from reviewbot.analysis.lexicon import Lexicon, Matcher
from reviewbot.analysis.malice_model import MaliceModel, featurize
from reviewbot.analysis.normalize import Normalized, normalize

# Reasons that accuse the customer of what the text does, found whatever the stars say
# only for spam; the others need a review that hurts the store.
ANY_REVIEW = frozenset({"spam_ad"})
# Reasons the words alone never prove: honest customers also send readers to the shop next
# door. They need a fact of the store's context too (no order, one author bombing the store,
# the same text from several authors), and the flag lists that fact beside the words.
NEEDS_CONTEXT = frozenset({"competitor"})
# Text reasons other than spam accuse only reviews of this many stars or fewer (or none).
LOW_STARS = 3
# Reasons whose words are the harm: a demand for money or a threat hurts the store unless the
# text reads as praise (好评一万), whatever else the sentiment model makes of it (a message
# with no stars often reads as neutral).
HOSTILE = frozenset({"extortion", "threat"})
# ...and of those, the ones a praise reading does not excuse: the sentiment model reads a calm
# or Traditional threat with no stars as praise (再不退錢我就去衛生局檢舉你們，讓你們被罰到倒:
# 0.73), and nothing a customer praises is said by harm promised to the shop. Nor by a price
# named for the review: a calm demand with no stars (贊助談好了就不發; Free dinner for four and
# I'll post something nice) reads as praise too, and on every opened honest set, at its own
# stars, none and 1 or 3, and on the delivery corpus, the praise reading excused no honest
# extortion match (bench/malice_bonus_audit.py: "gate:praise" cost 5 extortions, protected 0);
# what praise does say of money (好评一万, 好评返现) is read by its own negative pieces.
HOSTILE_EVEN_IN_PRAISE = HOSTILE
# A sentence ends here; slots of a combo never cross it (commas do not end one).
_END = "。?;\n"
_GAP = f"[^{_END}]"
# A clause ends at a sentence end, a comma, a colon, an exclamation or a quotation mark.
_CLAUSE_END = _END + ',:!“”"「」'
_GAP_QUESTIONS = "[^。\n]"  # a combo marked `questions` may span 想让我删评？先转500
# A combo marked `across` links pieces in different sentences of one review, within its gap:
# the demand in one (赔三百。) and the review's fate in the next (钱到了，这条评价我自己会删),
# a precedent told and the shop left to draw the lesson (后来赔了我两千才算完。你们看着办),
# a lever and a veiled warning, a report made ready and left to the shop's answer.
_GAP_ACROSS = "[\\s\\S]"
# Filler a writer puts between characters; taken out before the cue prefilter (删 评).
_FILLER = " \t\u3000·•*＊_-－~～|/\\.。、,，"
_SQUEEZE = str.maketrans("", "", _FILLER)
# Full-width ASCII and the ideographic space to half-width: one character for one, so a
# span found in the folded text is the same slice of the customer's text.
_WIDTH = str.maketrans({0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20})
_FILLER_CLASS = "[" + re.escape(_FILLER) + "]+"
_SQUEEZE_RE = re.compile(_FILLER_CLASS)  # text.translate(_SQUEEZE), in a third of the time
# Characters OpenCC leaves in Traditional form because they are also Simplified words
# (著名), which the pieces only ever mean as the Simplified particle (等著 → 等着); the
# feminine 妳 (Taiwan) the pieces read as 你 (我記住妳的車牌了); and 帐, which writers in
# both scripts put for 账 (转帐, 到帐).
_PARTICLES = str.maketrans({"著": "着", "妳": "你", "帐": "账"})
_SPACED_OUT = f"[\u4e00-\u9fff]{_FILLER_CLASS}[\u4e00-\u9fff]{_FILLER_CLASS}[\u4e00-\u9fff]"
_DIGIT_LOOKALIKE = "\\d\\s*[OolI]|[OolI]\\s*\\d"

# What each piece proves, as staff and the platform read it (a fact of the evidence).
PIECE_LABELS: Mapping[str, str] = {
    "amount": "提出金额",
    "money": "索要钱款或退款",
    "compensation": "索要赔偿或钱款",
    "neg_demand": "以不给钱或不处理为条件",
    "neg_pay": "以不给钱为条件",
    "bad_review": "以差评相要挟",
    "freebie": "索要免单、红包或返现",
    "bare_bad": "以差评相要挟",
    "action": "以删改评价作交换",
    "more": "以继续发差评相要挟",
    "link": "条件",
    "harm": "扬言伤害店铺或人员",
    "report": "扬言举报或曝光",
    "aimed": "扬言让店铺受罚或关门",
    "rival": "点名其他店铺",
    "steer": "引导读者去别家",
    "rival_self": "自称同行",
    "praise_other": "吹捧别家",
    "referral": "报名字打折招揽顾客",
    "place": "指明别家位置",
    "fabricate": "声称举报内容可以编造",
    "menace": "恐吓",
    "either": "二选一要挟",
    "unless_demand": "以给钱为唯一条件",
    "want_review": "以评价作交易",
    "bargain": "以钱换评价",
    "claim": "索要免单或赔偿",
    "unless": "以拒绝为条件",
    "report_you": "扬言举报或曝光店铺",
    "complain": "扬言投诉",
    "no_visit": "自述未在本店消费",
    "blind_verdict": "未消费就给出评判",
    "x_sum": "索要超出订单的金额",
    "x_worse": "扬言下次变本加厉",
    "x_known": "声称掌握店方人员行踪或住处",
    "x_warn": "警告店方人员",
    "x_peace_price": "以给钱换店铺安宁",
    "x_free": "索要免单或赞助",
    "x_good_copy": "以正面内容作交换",
    "x_unpaid_if": "以不给好处为条件",
    "x_true_tone": "以负面内容相要挟",
    "x_dues": "索要规费或保护费",
    "x_peace": "以给钱换店铺安宁",
    "x_footage": "持有针对店铺的视频或素材",
    "x_buyout": "要求店铺出钱买断",
    "x_sabotage": "扬言以大额虚假订单破坏经营",
    "x_arson": "扬言纵火",
    "x_en_benefit": "索要订单以外的好处",
    "x_en_copy": "以评价去留作交换",
    "x9_perk": "索要订单以外的好处",
    "x9_do": "以删改评价作交换",
    "x9_fate": "以评价去留讨价",
    "x9_hint": "暗示索要好处",
    "x9_clout": "自称有影响力",
    "x9_haggle": "讨价还价",
    "x9_deal": "开价",
    "x9_unpaid": "以不给好处为条件",
    "x9_unless_keep": "不给好处就不改评价",
    "x9_if_shop": "以店家给好处为条件",
}


# What a phrase of a phrase-read reason shows.
PHRASE_FACTS: Mapping[str, str] = {
    "abuse": "辱骂他人",
    "spam_ad": "含广告或联系方式",
    "irrelevant": "内容与用餐无关",
}


@dataclass(frozen=True, slots=True)
class _Combo:
    reason: str
    slots: tuple[tuple[str, ...], ...]
    pattern: str  # compiled on first use (MaliceRules._regex): most reviews need few combos
    skip_bonus: frozenset[str] = frozenset()  # bonus pieces that say nothing of this combo
    also: tuple[str, ...] = ()  # further reasons the same words prove (see `also` in the toml)
    gates: tuple[tuple[str, ...], ...] = ()  # the slots, cheapest search first
    joint: str = ""  # what may stand between two slots' pieces (a regex with its repeat)
    # A threat to a person of the shop (下班别走, 拎刀来讲道理, 有人会教她做人): flagged at any
    # stars, as a kind word for the food does not take back harm promised to the people who
    # cooked it (`any_stars = true` in the toml; every other reason keeps the 3-star ceiling).
    any_stars: bool = False


@dataclass(frozen=True, slots=True)
class _Hit:
    reason: str
    score: float
    start: int
    end: int
    facts: tuple[str, ...]
    also: tuple[str, ...] = ()
    any_stars: bool = False  # the combo's any_stars (see _Combo)
    # The bonus pieces that added to (or took from) the score, with what each was worth
    # (bench/malice_bonus_audit.py weighs what each negative one costs and protects).
    bonus: tuple[tuple[str, float], ...] = ()


class MaliceRules:
    """Everything from data/malice.toml, compiled once."""

    def __init__(self, lexicon: Lexicon, *, prefilter: bool = True) -> None:
        data: Mapping[str, Any] = lexicon.malice
        self.thresholds: dict[str, float] = dict(data["thresholds"])
        self.context: dict[str, float] = dict(data["context"])
        self.scores = {name: float(p["score"]) for name, p in data["pieces"].items()}
        self.pieces = {
            name: "|".join(f"(?:{pattern})" for pattern in p["patterns"])
            for name, p in data["pieces"].items()
        }
        # Compiled on first use, like the combos: start-up pays only for what reviews need.
        self._piece_cache: dict[str, re.Pattern[str]] = {}
        # Whether a piece occurs, asked of its patterns through one search for the strings
        # they need (gates.py): a piece is a long alternation that matches almost no review.
        self._patterns = {name: tuple(p["patterns"]) for name, p in data["pieces"].items()}
        self._any_piece: AnyOf | None = None  # built on first use
        self._any_counter: AnyOf | None = None  # the bonus pieces no combo names (counter)
        self._slot_sets: list[tuple[frozenset[str], ...]] = []
        self._combos_by_piece: dict[str, list[int]] = {}
        self._combo_cache: dict[tuple, re.Pattern[str]] = {}
        self.combos = [self._combo(c) for c in data["combos"]]
        self.bonus: dict[str, tuple[str, ...]] = {
            reason: tuple(names) for reason, names in data["bonus"].items()
        }
        # Bonus pieces read over the whole review, not the sentence (a refund promised in
        # one sentence is what 到账就删 in the next waits for).
        self.review_bonus: dict[str, tuple[str, ...]] = {
            reason: tuple(names) for reason, names in data.get("review_bonus", {}).items()
        }
        # Bonus pieces read only over the clauses the match spans (a 已经 or a shop's offer
        # told in an earlier clause is not the tense or the speaker of the demand).
        self.clause_bonus: dict[str, tuple[str, ...]] = {
            reason: tuple(names) for reason, names in data.get("clause_bonus", {}).items()
        }
        # Bonus pieces read only near the match (someone else's words retold around it).
        near = dict(data.get("near_bonus", {}))
        self.near_window = (int(near.pop("before", 0)), int(near.pop("after", 0)))
        self.near_bonus: dict[str, tuple[str, ...]] = {
            reason: tuple(names) for reason, names in near.items()
        }
        self.phrases = {
            reason: re.compile("|".join(f"(?:{p})" for p in t["patterns"]))
            for reason, t in data["phrases"].items()
            if t.get("patterns")
        }
        # The phrases as one search each (every reason; those found in any review), so the
        # prefilter asks once whether a phrase-read reason could apply.
        self._any_phrase = {
            hurts: re.compile(
                "|".join(p.pattern for r, p in self.phrases.items() if hurts or r in ANY_REVIEW)
                or "(?!)"
            )
            for hurts in (True, False)
        }
        # ...each behind a search for the strings its matches need (one review in thirty).
        self._phrase_gates = {
            hurts: literal_gate(pattern.pattern) for hurts, pattern in self._any_phrase.items()
        }
        # Every list under [cues] (strings, and one per family of combos that needs its own).
        # The cues are searched in the text with its filler taken out, so they are too: a cue
        # written with a space (know where) would otherwise never be found.
        cues = {_SQUEEZE_RE.sub("", c) for strings in data["cues"].values() for c in strings} - {""}
        self._cues = Matcher(dict.fromkeys(cues, ()))
        traditional = re.escape(data["fold"]["traditional"])
        cantonese = re.escape(cantonese_markers())
        self._needs_normalize = re.compile(
            f"[{traditional}{cantonese}]|{_SPACED_OUT}|{_DIGIT_LOOKALIKE}"
        )
        self.prefilter = prefilter

    def _combo(self, spec: Mapping[str, Any]) -> _Combo:
        slots = tuple(tuple(slot.split("|")) for slot in spec["slots"])
        for slot in slots:
            for name in slot:
                if name not in self.pieces:
                    raise ValueError(f"malice.toml: combo uses unknown piece {name!r}")
        gap = int(spec.get("gap", 0))
        between = _GAP_QUESTIONS if spec.get("questions") else _GAP
        if spec.get("across"):  # a discourse combo: its slots may lie in sentences apart
            between = _GAP_ACROSS
        joint = f"{between}{{0,{gap}}}?"
        pattern = self._combo_pattern(slots, joint)

        def cost(slot: tuple[str, ...]) -> int:  # a longer pattern is a slower search
            return sum(len(self.pieces[name]) for name in slot)

        return _Combo(
            spec["reason"],
            slots,
            pattern,
            frozenset(spec.get("skip_bonus", ())),
            tuple(spec.get("also", ())),
            tuple(sorted(slots, key=cost)),
            joint,
            bool(spec.get("any_stars", False)),
        )

    def _combo_pattern(self, slots: Iterable[Iterable[str]], joint: str) -> str:
        parts = []
        for index, slot in enumerate(slots):
            alternatives = "|".join(f"(?P<s{index}_{name}>{self.pieces[name]})" for name in slot)
            parts.append(f"(?:{alternatives})")
        return joint.join(parts)

    # -- the decision ----------------------------------------------------------------------

    def evidence(
        self,
        text: str,
        context: AnalysisContext,
        *,
        hurts: bool,
        rating: float | None,
        praise: bool = False,
        learned: MaliceModel | None = None,
    ) -> tuple[MaliceEvidence, ...]:
        """Every reason whose evidence passes its threshold, with that evidence; with a
        `learned` model, also extortion and threats that model reads in a cued review."""
        found: dict[str, MaliceEvidence] = {}
        # 4-5 stars: whatever the words, the customer is not attacking the store (but for a
        # combo marked any_stars: harm promised to a person of the shop).
        low = rating is None or rating <= LOW_STARS
        cued = self.cued(text)
        if not self.prefilter or cued or self._phrase_hit(text, hurts):
            folded = self.fold(text)
            present = self.pieces_in(folded.text)
            hits = self.text_hits(folded.text, present)
            for hit in hits:
                for reason in (hit.reason, *hit.also):
                    hostile = reason in HOSTILE and (not praise or reason in HOSTILE_EVEN_IN_PRAISE)
                    allowed = reason in ANY_REVIEW or (low and (hurts or hostile))
                    allowed = allowed or (hit.any_stars and reason in HOSTILE)
                    if not allowed or hit.score < self.thresholds[reason] or reason in found:
                        continue
                    backing = self._context_facts(context) if reason in NEEDS_CONTEXT else ()
                    if reason in NEEDS_CONTEXT and not backing:
                        continue
                    found[reason] = MaliceEvidence(
                        reason, folded.span(hit.start, hit.end), (*hit.facts, *backing)
                    )
            # The learned reader weighs the pieces found (and their pairs) with the n-grams:
            # without one, its logits stay far below the thresholds (on every opened
            # labelled set and the delivery corpus, at least 3.2 below; the test in
            # test_malice_model.py holds a retrained model to that), so it is not asked.
            if learned is not None and cued and low and present:
                near = self.near_misses(hits) if learned.config.near else {}
                for evidence in self._learned(
                    learned, folded, present, near, hurts=hurts, praise=praise
                ):
                    found.setdefault(evidence.reason, evidence)
        if hurts:
            flood = self._flood(text, context)
            if flood:
                found.setdefault("flood", flood)
            if context.has_order is False:
                found.setdefault(
                    "no_order",
                    MaliceEvidence("no_order", "", ("平台显示这条评价没有关联任何订单",)),
                )
        return tuple(found[r] for r in MALICIOUS_REASONS if r in found)

    def fold(self, text: str) -> Normalized:
        """normalize(text) with written Cantonese folded to Mandarin (唔畀錢 reads as 不给钱),
        or only its width folded when nothing else would change what the pieces match (most
        reviews: normalize costs far more than the search)."""
        width = text.translate(_WIDTH)
        if not self.prefilter or self._needs_normalize.search(width):
            folded = fold_cantonese(normalize(text))
            return Normalized(folded.text.translate(_PARTICLES), folded.source, folded.original)
        return Normalized(width.translate(_PARTICLES), tuple(range(len(width))), text)

    def cued(self, text: str) -> bool:
        """Whether any combo could match: one search of the cue strings, filler taken out."""
        return self._cues.occurs(_SQUEEZE_RE.sub("", text))

    def _phrase_hit(self, text: str, hurts: bool) -> bool:
        gate = self._phrase_gates[hurts]
        if gate is not None and gate.search(text) is None:
            return False
        return self._any_phrase[hurts].search(text) is not None

    def text_hits(self, text: str, present: frozenset[str] | None = None) -> list[_Hit]:
        """Scored matches of every combo and phrase in normalised text, best first
        (`present`: pieces_in(text), when the caller has it)."""
        hits: list[_Hit] = []
        # A combo can match only where every slot's pieces occur: which pieces occur is found
        # once per text, by one search for the strings they need (gates.py).
        if present is None:
            present = self.pieces_in(text)
        # The combos whose first slot has a piece here (in their order), then the other slots.
        by_piece = self._combos_by_piece
        for index in sorted({i for name in present for i in by_piece.get(name, ())}):
            combo = self.combos[index]
            if any(slot.isdisjoint(present) for slot in self._slot_sets[index][1:]):
                continue
            # Compiled with the pieces of each slot that occur in the text only: a piece
            # that occurs nowhere in it matches at no position, so leaving its alternative
            # out changes no match nor any group found (its group would be None), and the
            # pattern compiles in a fraction of the time (a combo is thousands of characters).
            slots = tuple(tuple(n for n in slot if n in present) for slot in combo.slots)
            key = (index, slots)
            regex = self._combo_cache.get(key)
            if regex is None:
                regex = self._combo_cache[key] = re.compile(self._combo_pattern(slots, combo.joint))
            for match in regex.finditer(text):
                hits.append(self._score(combo, match, text))
        threshold = self.thresholds
        for reason, pattern in self.phrases.items():
            match = pattern.search(text)
            if match:
                fact = (
                    (f"{PHRASE_FACTS[reason]}：「{match.group()}」",)
                    if reason in PHRASE_FACTS
                    else ()
                )
                hits.append(_Hit(reason, threshold[reason], match.start(), match.end(), fact))
        hits.sort(key=lambda h: -h.score)
        return hits

    def _learned(
        self,
        model: MaliceModel,
        folded: Normalized,
        present: frozenset[str],
        near: Mapping[str, float],
        *,
        hurts: bool,
        praise: bool,
    ) -> list[MaliceEvidence]:
        """The reasons the learned reader flags (malice_model.py), each with the customer's
        words that weigh most, the evidence pieces found, and the score."""
        # the counter-evidence too (a shop's offer retold, a refusal, a report already made):
        # what tells the honest look-alikes that set the thresholds from the threats
        read = present | self.counter_in(folded.text) if model.config.counter else present
        z = model.read(folded.text, read, near)
        out = []
        for h, reason in enumerate(model.heads):
            if z[h] <= model.threshold[h]:
                continue
            if not (hurts or not praise or reason in HOSTILE_EVEN_IN_PRAISE):
                continue
            features = featurize(folded.text, read, model.config, near)
            start, end = model.span(features, h, folded.text)
            facts = []
            for piece in sorted(present):
                if piece in PIECE_LABELS and piece != "link" and len(facts) < 4:
                    match = self._piece(piece).search(folded.text)
                    if match:
                        facts.append(f"{PIECE_LABELS[piece]}：「{folded.span(*match.span())}」")
            score = 1.0 / (1.0 + math.exp(-float(z[h])))
            cut = 1.0 / (1.0 + math.exp(-float(model.threshold[h])))
            facts.append(f"模型评分 {score:.4f}（阈值 {cut:.4f}）")
            out.append(MaliceEvidence(reason, folded.span(start, end), tuple(facts)))
        return out

    def near_misses(self, hits: list[_Hit]) -> dict[str, float]:
        """Per hostile reason, the best combo score over the reason's threshold (what the
        learned reader takes from the patterns: 0.75 is a near miss)."""
        near: dict[str, float] = {}
        for hit in hits:
            for reason in (hit.reason, *hit.also):
                if reason in HOSTILE:
                    ratio = max(hit.score, 0.0) / self.thresholds[reason]
                    near[reason] = max(near.get(reason, 0.0), ratio)
        return near

    def pieces_in(self, text: str) -> frozenset[str]:
        """The evidence pieces some combo names that occur in normalised text."""
        if self._any_piece is None:
            self._index_combos()
        assert self._any_piece is not None
        return self._any_piece.present(text)

    def counter_in(self, text: str) -> frozenset[str]:
        """The bonus pieces no combo's slot names that occur in normalised text: mostly the
        counter-evidence the combos' scores subtract (a shop's offer retold, a refusal, a
        report already made, a refund owed), which the learned reader weighs as pieces."""
        if self._any_counter is None:
            in_slots = {name for combo in self.combos for slot in combo.slots for name in slot}
            self._any_counter = AnyOf(
                {n: p for n, p in self._patterns.items() if n not in in_slots}
            )
        return self._any_counter.present(text)

    def _index_combos(self) -> None:
        self._slot_sets = [tuple(frozenset(slot) for slot in c.gates) for c in self.combos]
        for index, slots in enumerate(self._slot_sets):
            for name in slots[0]:
                self._combos_by_piece.setdefault(name, []).append(index)
        # Only pieces some combo's slot names: the bonus pieces are read per match instead.
        in_slots = {name for combo in self.combos for slot in combo.slots for name in slot}
        self._any_piece = AnyOf({n: p for n, p in self._patterns.items() if n in in_slots})

    def compile_all(self) -> None:
        """Compile every piece and combo now (tests: a bad pattern fails there, not on the
        first review that needs it)."""
        for name in self.pieces:
            self._piece(name)
        for index, combo in enumerate(self.combos):
            self._combo_cache.setdefault((index, combo.slots), re.compile(combo.pattern))

    def _piece(self, name: str) -> re.Pattern[str]:
        regex = self._piece_cache.get(name)
        if regex is None:
            regex = self._piece_cache[name] = re.compile(self.pieces[name])
        return regex

    def _score(self, combo: _Combo, match: re.Match[str], text: str) -> _Hit:
        used: set[str] = set()
        score = 0.0
        facts: list[str] = []
        for name, value in match.groupdict().items():
            if value is None:
                continue
            piece = name.split("_", 1)[1]
            used.add(piece)
            score += self.scores[piece]
            if piece in PIECE_LABELS and piece != "link":
                facts.append(f"{PIECE_LABELS[piece]}：「{value}」")
        left, right = _sentence_bounds(text, match.start(), match.end())
        sentence = text[left:right]
        before, after = self.near_window
        near = text[max(left, match.start() - before) : min(right, match.end() + after)]
        bonus: list[tuple[str, float]] = []
        for piece in self.near_bonus.get(combo.reason, ()):
            skip = piece in used or piece in combo.skip_bonus
            if not skip and self._piece(piece).search(near):
                bonus.append((piece, self.scores[piece]))
        for piece in self.bonus.get(combo.reason, ()):
            if piece in used or piece in combo.skip_bonus:
                continue
            found = self._piece(piece).search(sentence)
            if found:
                bonus.append((piece, self.scores[piece]))
                if self.scores[piece] > 0 and piece in PIECE_LABELS:
                    facts.append(f"{PIECE_LABELS[piece]}：「{found.group()}」")
        clause = ""
        if self.clause_bonus.get(combo.reason):
            first, last = _clause_bounds(text, match.start(), match.end())
            clause = text[first:last]
        for piece in self.clause_bonus.get(combo.reason, ()):
            skip = piece in used or piece in combo.skip_bonus
            if not skip and self._piece(piece).search(clause):
                bonus.append((piece, self.scores[piece]))
        for piece in self.review_bonus.get(combo.reason, ()):
            skip = piece in used or piece in combo.skip_bonus
            if not skip and self._piece(piece).search(text):
                bonus.append((piece, self.scores[piece]))
        score += sum(value for _, value in bonus)
        return _Hit(
            combo.reason,
            score,
            match.start(),
            match.end(),
            tuple(facts),
            combo.also,
            combo.any_stars,
            tuple(bonus),
        )

    # -- context ---------------------------------------------------------------------------

    def _context_facts(self, context: AnalysisContext) -> tuple[str, ...]:
        """What the store knows that makes a reading of the words more than a reading."""
        facts = []
        if context.has_order is False:
            facts.append("平台显示这条评价没有关联任何订单")
        if context.author_hurting_last_day >= self.context["author_day_reviews"]:
            facts.append(f"同一作者24小时内第{context.author_hurting_last_day}条差评")
        if context.identical_authors >= 2:
            facts.append(f"相同文字出现在{context.identical_authors}位不同顾客的评价中")
        return tuple(facts)

    def _flood(self, text: str, context: AnalysisContext) -> MaliceEvidence | None:
        """The same hurting text from different authors, or one author bombing the store."""
        c = self.context
        facts: list[str] = []
        score = 0.0
        copied = context.identical_authors >= 2  # the only case the text's length matters
        chars = len(normalize(text).text) if copied and text else 0
        if copied and chars >= c["min_copy_chars"]:
            score += c["copies_per_extra_author"] * (context.identical_authors - 1)
            score += c["long_copy"] if chars >= c["long_copy_chars"] else 0.0
            facts.append(f"相同文字出现在{context.identical_authors}位不同顾客的评价中")
        if context.author_hurting_last_day >= c["author_day_reviews"]:
            score = max(score, self.thresholds["flood"])
            facts.append(f"同一作者24小时内第{context.author_hurting_last_day}条差评")
        if score < self.thresholds["flood"]:
            return None
        return MaliceEvidence("flood", text[:60], tuple(facts))


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clauses that text[start:end] spans begin and end (commas, colons and quotes
    end a clause as well as the sentence ends)."""
    left = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in _CLAUSE_END) if i >= 0]
    return left, min(rights) if rights else len(text)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence around text[start:end] begins and ends (a match never crosses a
    sentence end)."""
    left = max(text.rfind(ch, 0, start) for ch in _END) + 1
    rights = [i for i in (text.find(ch, end) for ch in _END) if i >= 0]
    return left, min(rights) if rights else len(text)
