"""The store's fact sheet as the reply engine sees it: the only facts a reply may state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Facts that may be given per language or script in config: signature_en, contact_zh_hant …
LOCALIZED_FACTS: tuple[str, ...] = ("signature", "contact", "hours")
LOCALES: Mapping[str, str] = {"en": "en", "zh-Hant": "zh_hant"}


@dataclass(frozen=True, slots=True)
class StoreProfile:
    """What a reply may say about the store; nothing else is ever claimed.

    `remedy` is the one compensation wording the owner authorises in public replies
    (empty: replies never promise refunds, coupons, free dishes or compensation).
    """

    name: str
    signature: str = ""
    contact: str = ""
    hours: str = ""
    menu: tuple[str, ...] = ()
    proofs: tuple[str, ...] = ()
    remedy: str = ""
    # English reviews get an English draft; False: they are marked for a person to answer.
    english: bool = True
    # {locale: {fact: text}}: facts in another language or script (LOCALES, LOCALIZED_FACTS).
    localized: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)

    def facts_in(self, locale: str) -> Mapping[str, str]:
        """The facts given for `locale` ("en", "zh-Hant"), empty when none are."""
        return self.localized.get(locale, {})

    @classmethod
    def from_settings(cls, name: str, facts: Any, *, english: bool = True) -> StoreProfile:
        return cls(
            name=name,
            signature=facts.signature,
            contact=facts.contact,
            hours=facts.hours,
            menu=tuple(facts.menu),
            proofs=tuple(facts.proofs),
            remedy=facts.remedy.strip().rstrip("。，,.！!"),
            english=english,
            localized={
                locale: found
                for locale, suffix in LOCALES.items()
                if (
                    found := {
                        fact: value
                        for fact in LOCALIZED_FACTS
                        if (value := getattr(facts, f"{fact}_{suffix}", ""))
                    }
                )
            },
        )

    @property
    def text(self) -> str:
        """Every fact in one string, for checking that a reply states nothing else: the
        facts given per language or script too (an English reply signed with the
        configured signature_en states no invented person)."""
        localized = (fact for facts in self.localized.values() for fact in facts.values())
        return "\n".join(
            (
                self.name,
                self.signature,
                self.contact,
                self.hours,
                self.remedy,
                *self.proofs,
                *localized,
            )
        )
