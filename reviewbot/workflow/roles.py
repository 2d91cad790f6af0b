"""Who may do what: the roles of the people configured per store, and the role a reply
needs. Kept apart from actions.py (which needs the database) so `reviewbot draft` can say
who may post a draft without loading SQLAlchemy."""

from __future__ import annotations

from typing import Literal, Protocol

Role = Literal["owner", "manager", "staff"]
RANK: dict[str, int] = {"staff": 1, "manager": 2, "owner": 3}
ROLE_NAMES = {"owner": "店主", "manager": "店长", "staff": "店员"}


class _Severity(Protocol):
    malicious: bool
    severity: str


class _Marked(Protocol):
    requires_role: str | None


def required_role(analysis: _Severity | None, draft: _Marked | None = None) -> Role:
    """Posting for a malicious or critical review is a manager's decision, and so is any
    draft the reply engine marked (food-safety claims). Takes stored rows or the
    analyzer's and reply engine's results alike."""
    if analysis is not None and (analysis.malicious or analysis.severity == "critical"):
        return "manager"
    if draft is not None and draft.requires_role in ("manager", "owner"):
        return draft.requires_role  # type: ignore[return-value]
    return "staff"
