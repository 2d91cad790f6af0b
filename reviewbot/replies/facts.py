"""The store's fact sheet as the reply engine sees it: the only facts a reply may state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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

    @classmethod
    def from_settings(cls, name: str, facts: Any) -> StoreProfile:
        return cls(
            name=name,
            signature=facts.signature,
            contact=facts.contact,
            hours=facts.hours,
            menu=tuple(facts.menu),
            proofs=tuple(facts.proofs),
            remedy=facts.remedy.strip().rstrip("。，,.！!"),
        )

    @property
    def text(self) -> str:
        """Every fact in one string, for checking that a reply states nothing else."""
        return "\n".join(
            (self.name, self.signature, self.contact, self.hours, self.remedy, *self.proofs)
        )
