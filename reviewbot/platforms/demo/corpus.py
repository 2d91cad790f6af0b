"""The demo platform's review corpus: hand-written reviews of one Sichuan restaurant.

Kept as data files beside this module so they are easy to read and extend. Each review
carries the labels it was written with (kind, categories, malicious reasons); the
simulator does not publish them, but they let tests and demos know what to expect.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True, slots=True)
class CorpusReview:
    text: str
    rating: int
    kind: str
    channel: str
    categories: dict[str, str]
    dishes: tuple[str, ...]
    malicious_reasons: tuple[str, ...]
    follow_up: str | None


@dataclass(frozen=True, slots=True)
class Corpus:
    reviews: tuple[CorpusReview, ...]
    menu: tuple[str, ...]
    nicknames: tuple[str, ...]


@cache
def load_corpus(directory: Path = DATA) -> Corpus:
    reviews = []
    with open(directory / "reviews.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            item = json.loads(line)
            reviews.append(
                CorpusReview(
                    text=item["text"],
                    rating=int(item["rating"]),
                    kind=item["kind"],
                    channel=item.get("channel", "delivery"),
                    categories=dict(item.get("categories", {})),
                    dishes=tuple(item.get("dishes", ())),
                    malicious_reasons=tuple(item.get("malicious_reasons", ())),
                    follow_up=item.get("follow_up"),
                )
            )
    menu = json.loads((directory / "menu.json").read_text(encoding="utf-8"))
    nicknames = (directory / "nicknames.txt").read_text(encoding="utf-8").split("\n")
    return Corpus(
        reviews=tuple(reviews),
        menu=tuple(dish["name"] for dish in menu),
        nicknames=tuple(name.strip() for name in nicknames if name.strip()),
    )
