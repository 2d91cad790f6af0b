"""The speed window: how long each step may take, per severity and per store.

Windows start when the review staff were alerted about became visible to us
(`Review.alerted_seen_at`: the first-seen time of a review that was negative from the
start, the time of the edit for one edited to negative later), not when the customer wrote
it: a platform that serves reviews a day late (Meituan) cannot be answered sooner, and that
delay is shown to staff rather than silently eating their window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from reviewbot.config import Settings

# The escalation ladder: who is pinged at what share of the reply window.
LADDER: tuple[tuple[str, float, str], ...] = (
    ("reminder", 0.5, "staff"),
    ("manager", 0.75, "manager"),
    ("owner", 1.0, "owner"),
)


# A platform serving a review later than this is worth telling staff and owners about.
NOTABLE_DELAY = timedelta(hours=1)


def platform_delay(created_at: datetime | None, seen_at: datetime) -> timedelta | None:
    """How late the platform served a review (posted → visible to us), when notable."""
    if created_at is None or seen_at - created_at <= NOTABLE_DELAY:
        return None
    return seen_at - created_at


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True, slots=True)
class Policy:
    alert_within: timedelta
    reply_within: dict[str, timedelta]
    contact_within: timedelta
    quiet: tuple[time, time] | None
    timezone: ZoneInfo
    update_every: timedelta  # paging: at most one update per this long, per person
    pages_per_hour: int

    def reply_window(self, severity: str) -> timedelta:
        """The reply window for a severity; a review needing a reply without a severity
        (a complaint in an otherwise happy review) gets the most lenient one."""
        return self.reply_within.get(severity) or max(self.reply_within.values())

    def window_start(self, seen_at: datetime, severity: str) -> datetime:
        """When the reply and contact windows of a review seen at `seen_at` start: then,
        or for a non-critical review seen during quiet hours, when they end (its alert is
        held until then, so staff could not have answered sooner)."""
        return seen_at if severity == "critical" else self.quiet_end(seen_at)

    def in_quiet_hours(self, when: datetime) -> bool:
        if self.quiet is None:
            return False
        start, end = self.quiet
        local = when.astimezone(self.timezone).time()
        return start <= local < end if start < end else (local >= start or local < end)

    def quiet_end(self, when: datetime) -> datetime:
        """When the quiet hours containing `when` end (or `when` itself outside them)."""
        if not self.in_quiet_hours(when):
            return when
        assert self.quiet is not None
        local = when.astimezone(self.timezone)
        end = local.replace(
            hour=self.quiet[1].hour, minute=self.quiet[1].minute, second=0, microsecond=0
        )
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(when.tzinfo)


def policy(settings: Settings, store_id: str) -> Policy:
    base = settings.speed_window
    store = next((s for s in settings.stores if s.id == store_id), None)
    own = store.speed_window if store else None
    reply = {**base.reply_minutes, **(own.reply_minutes if own else {})}
    quiet = (own.quiet_hours if own and own.quiet_hours else None) or base.quiet_hours
    return Policy(
        alert_within=timedelta(
            minutes=(own.alert_minutes if own and own.alert_minutes else base.alert_minutes)
        ),
        reply_within={k: timedelta(minutes=v) for k, v in reply.items()},
        contact_within=timedelta(
            hours=(own.contact_hours if own and own.contact_hours else base.contact_hours)
        ),
        quiet=tuple(_clock(part) for part in quiet.split("-")) if quiet else None,  # type: ignore[arg-type]
        timezone=ZoneInfo(store.timezone if store else "Asia/Shanghai"),
        update_every=timedelta(
            minutes=(own.update_minutes if own and own.update_minutes else base.update_minutes)
        ),
        pages_per_hour=(own.pages_per_hour if own and own.pages_per_hour else base.pages_per_hour),
    )
