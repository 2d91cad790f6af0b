"""`reviewbot report`: one store's (or every store's) figures for a period, as PNG + HTML."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from reviewbot.config import Settings
from reviewbot.reporting import metrics
from reviewbot.reporting.charts import render_png
from reviewbot.reporting.page import render_html
from reviewbot.reporting.summary import summary
from reviewbot.store.db import SessionFactory

ALL_STORES = "*"


@dataclass(frozen=True, slots=True)
class Written:
    png: Path
    html: Path
    summary: str


def scope_of(settings: Settings, store: str) -> tuple[list[str], str, ZoneInfo]:
    """Store ids, a display name and the time zone for `--store ID` (or `*` for all)."""
    if store == ALL_STORES:
        ids = [s.id for s in settings.stores]
        return ids, "全部门店", ZoneInfo(settings.stores[0].timezone)
    chosen = settings.store(store)  # KeyError for an unknown store
    return [chosen.id], chosen.name, ZoneInfo(chosen.timezone)


async def write_report(
    settings: Settings,
    sessions: SessionFactory,
    *,
    store: str,
    period: metrics.PeriodName,
    end_date: date,
    out: Path,
    now: datetime,
) -> Written:
    store_ids, name, zone = scope_of(settings, store)
    scope = metrics.period_scope(settings, store_ids, period, end_date, now)
    async with sessions() as session:
        figures = await metrics.figures(session, settings, scope)
    png = await asyncio.to_thread(render_png, figures, name, period, zone)
    stem = f"report-{'all' if store == ALL_STORES else store}-{period}-{end_date.isoformat()}"
    png_path, html_path = out / f"{stem}.png", out / f"{stem}.html"
    names = {s.id: s.name for s in settings.stores}
    html = render_html(figures, name, period, zone, png, png_path.name, names)
    await asyncio.to_thread(_write, out, {png_path: png, html_path: html.encode("utf-8")})
    return Written(png_path, html_path, summary(figures, name, period, zone))


def _write(directory: Path, files: dict[Path, bytes]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        path.write_bytes(data)
