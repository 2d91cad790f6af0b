"""A crisis's unified first response (统一回应): one statement to everyone reading.

Each review of a crisis gets its own reply; when several reviews make the crisis, the owner
also needs words for the shop's notice and its own accounts, addressed to all customers and
naming none. The wording is data (templates/replies/statement.toml), checked by the same
guardrails and `reviewbot templates lint` as the replies.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reviewbot.replies.answers import fill, variants
from reviewbot.replies.facts import StoreProfile

STATEMENT_FILE = "statement.toml"
PARTS = ("greeting", "shoulder", "sincerity", "system", "speed", "standard", "closing")
# Parts that may be left out: standard needs a configured proof.
OPTIONAL = frozenset({"standard"})
VARIABLES = frozenset({"topic", "contact", "proof", "signature"})
# The parts a food-safety crisis words its own way (nothing admitted before the check).
HYGIENE_PARTS = ("shoulder", "sincerity", "system")


@dataclass(frozen=True, slots=True)
class StatementSpec:
    parts: Mapping[str, tuple[str, ...]]
    topics: Mapping[str, str]
    hygiene: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def topic(self, categories: Sequence[str]) -> str:
        """What the reviews complained of, in words: 菜品和服务, 菜品、服务和价格和收费."""
        names = [self.topics[c] for c in dict.fromkeys(categories) if c in self.topics]
        names = names or [self.topics.get("general", "用餐体验")]
        return names[0] if len(names) == 1 else "、".join(names[:-1]) + "和" + names[-1]

    def write(
        self,
        categories: Sequence[str],
        store: StoreProfile,
        seed: str,
        contact_default: str = "",
    ) -> str:
        """The statement for a crisis about `categories` (most complained of first)."""
        rng = random.Random(seed)
        food_safety = "hygiene" in categories
        values = {
            "topic": self.topic(categories),
            "contact": store.contact or contact_default,
            "proof": "、".join(store.proofs),
            "signature": store.signature or store.name,
        }
        chosen: dict[str, str] = {}
        for part in PARTS:
            variants = self.parts.get(part, ())
            if food_safety and part in self.hygiene:
                variants = self.hygiene[part]
            options = [r for r in (fill(v, values) for v in variants) if r]
            chosen[part] = rng.choice(options) if options else ""
        body = "".join(chosen[p] for p in PARTS[1:-1])
        return f"{chosen['greeting']}{body}\n{chosen['closing']}".strip()


def read_statement(path: Path) -> tuple[StatementSpec | None, list[str]]:
    """The statement wording in `path` (None when there is no file), and its problems."""
    if not path.is_file():
        return None, []
    where = path.name
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return None, [f"{where}: {exc}"]
    problems = [
        f"{where}: unknown key {k!r}" for k in sorted(set(data) - {*PARTS, "topics", "hygiene"})
    ]

    def texts(raw: object, at: str, required: bool = True) -> tuple[str, ...]:
        return variants(
            raw, at, problems, allow_empty=not required, known=VARIABLES, kind="variable"
        )

    parts = {p: texts(data.get(p, []), f"{where}: {p}", p not in OPTIONAL) for p in PARTS}
    topics = data.get("topics", {})
    if not isinstance(topics, dict) or not all(isinstance(v, str) for v in topics.values()):
        problems.append(f"{where}: topics: expected a table of names")
        topics = {}
    raw_hygiene = data.get("hygiene", {})
    if not isinstance(raw_hygiene, dict) or set(raw_hygiene) - set(HYGIENE_PARTS):
        problems.append(f"{where}: hygiene: only {', '.join(HYGIENE_PARTS)}")
        raw_hygiene = {}
    hygiene = {
        p: texts(raw_hygiene[p], f"{where}: hygiene.{p}") for p in HYGIENE_PARTS if p in raw_hygiene
    }
    return StatementSpec(parts, dict(topics), hygiene), problems
