"""The figures told in Chinese: a short summary, what to fix first, and /stats.

Advice is data (one sentence per category and per step), chosen by the figures: the
category with the most negative reviews (food safety always first), then the step that
is slowest against its window, then replies still owed.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from reviewbot.reporting.labels import CATEGORY, PLATFORMS
from reviewbot.reporting.metrics import Figures
from reviewbot.speed import NOTABLE_DELAY

POLARITY = {"negative": "差评", "neutral": "中评", "positive": "好评"}
STEP = {"alert": "提醒店员", "approve": "店员处理", "post": "发布回复", "contact": "联系顾客"}
STEP_FROM = {
    "alert": "评价出现→提醒送达",
    "approve": "提醒送达→店员处理",
    "post": "评价出现→回复发布",
    "contact": "评价出现→联系顾客",
}
PERIOD = {"day": "日报", "week": "周报", "month": "月报", "today": "今日"}
CATEGORY_ADVICE = {
    "food": "和厨房一起复盘口味、分量和出餐温度，把差评里提到的菜逐一试吃",
    "service": "在班前会上讲一讲差评里的服务问题，漏送、错送的核对流程要落实到人",
    "delivery": "检查打包（防洒、保温）和出餐到骑手取餐的时间，高峰期提前备餐",
    "environment": "安排专人检查就餐区的清洁、噪音和座位，营业前后各巡一次",
    "price": "核对菜单价格和分量是否相符，考虑推出更划算的套餐或满减",
    "hygiene": "立即自查后厨卫生和食材并留存记录，当天联系顾客，必要时出示检测报告",
}
STEP_ADVICE = {
    "alert": "检查平台授权是否有效、轮询间隔是否太长",
    "approve": "约定每个时段由谁看群，收到提醒先点“通过”或“修改”，不要攒着处理",
    "post": "草稿尽快通过；需要店长审核的差评（紧急、恶意）请店长及时处理",
    "contact": "每天下班前集中给当天的差评顾客回电，并点“已联系顾客”记录",
}


def duration(seconds: float | None) -> str:
    """A duration as people say it: 45 秒, 12 分钟, 3.5 小时, 2.0 天."""
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f} 秒"
    minutes = seconds / 60
    if minutes < 90:
        return f"{minutes:.0f} 分钟"
    hours = minutes / 60
    if hours < 36:
        return f"{hours:.1f} 小时"
    return f"{hours / 24:.1f} 天"


def _day(moment: datetime) -> str:
    return f"{moment.month}月{moment.day}日"


def period_label(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """`11月16日至11月22日` for whole local days, with times otherwise."""
    s, e = start.astimezone(zone), end.astimezone(zone)
    if s.time() == e.time() == time(0):
        last = e - timedelta(days=1)
        return _day(s) if last.date() == s.date() else f"{_day(s)}至{_day(last)}"
    return f"{_day(s)} {s:%H:%M} 至 {_day(e)} {e:%H:%M}"


def title(f: Figures, store_name: str, period: str, zone: ZoneInfo) -> str:
    return f"{store_name} · {PERIOD.get(period, period)}（{period_label(f.start, f.end, zone)}）"


def rating_line(f: Figures) -> str | None:
    if f.average_rating is None:
        return None
    line = f"平均评分 {f.average_rating:.1f} 星"
    if f.previous_average_rating is not None:
        delta = f.average_rating - f.previous_average_rating
        arrow = "↑" if delta > 0.05 else "↓" if delta < -0.05 else "持平"
        change = arrow if arrow == "持平" else f"{arrow}{abs(delta):.1f}"
        line += f"（上期 {f.previous_average_rating:.1f}，{change}）"
    return line


def window_line(f: Figures) -> str:
    w = f.window
    if not f.negative:
        return "本期没有需要回复的差评 🎉"
    if not w.judged:
        return f"需回复 {f.negative} 条，都还在回复时限内"
    parts = [f"需回复 {f.negative} 条，按时回复 {w.on_time}/{w.judged}（{w.share:.0%}）"]
    if w.late:
        parts.append(f"超时回复 {w.late} 条")
    if w.missed:
        parts.append(f"过时限未回复 {w.missed} 条")
    if w.pending:
        parts.append(f"{w.pending} 条仍在时限内")
    return "，".join(parts)


def steps_line(f: Figures) -> str | None:
    parts = [
        f"{STEP[step]} {duration(spread.median)}"
        for step, spread in f.steps.items()
        if spread.count and spread.median is not None
    ]
    return "中位用时：" + " · ".join(parts) if parts else None


def delay_line(f: Figures) -> str | None:
    """Platforms that typically serve reviews late: their hours are not staff's to answer."""
    late = [
        f"{PLATFORMS.get(p, p)} 中位 {duration(s.median)}、最慢 {duration(s.maximum)}"
        for p, s in f.platform_delay.items()
        if s.median is not None and s.median > NOTABLE_DELAY.total_seconds()
    ]
    if not late:
        return None
    note = "（评价发布后平台这么久才提供，回复时限从我们看到时算起）"
    return "平台延迟：" + "；".join(late) + note


def positive_line(f: Figures) -> str | None:
    """Positive reviews are summarised here rather than pinged to staff one by one."""
    if not f.positive:
        return None
    line = f"好评 {f.positive} 条"
    if f.quotes:
        line += "，例如：" + "".join(f"「{q}」" for q in f.quotes)
    return line


def advice(f: Figures, limit: int = 3) -> list[str]:
    """What to fix first, most important first, phrased as something to do."""
    items: list[str] = []
    by_category = f.negative_by_category
    hygiene = by_category.pop("hygiene", 0)
    if hygiene:
        items.append(f"卫生/食品安全差评 {hygiene} 条：{CATEGORY_ADVICE['hygiene']}。")
    if by_category:
        name, count = next(iter(by_category.items()))
        terms = f.negative_terms.get(name) or []
        common = f"，常见问题：{'、'.join(terms)}" if terms else ""
        items.append(
            f"「{CATEGORY.get(name, name)}」差评最多（{count} 条{common}）："
            f"{CATEGORY_ADVICE.get(name, '逐条看看顾客说了什么，找出共同原因')}。"
        )
    timed = {
        step: spread
        for step, spread in f.steps.items()
        if spread.count and spread.median is not None and f.targets.get(step)
    }
    if timed:
        # The step slowest against its target, typically (median), else in its tail (p90).
        typical = max(timed, key=lambda s: (timed[s].median or 0) / f.targets[s])
        tail = max(timed, key=lambda s: (timed[s].p90 or 0) / f.targets[s])
        spread, target = timed[typical], f.targets[typical]
        if (spread.median or 0) > target:
            items.append(
                f"最慢的环节是「{STEP[typical]}」（中位 {duration(spread.median)}，"
                f"目标 {duration(target)}以内）：{STEP_ADVICE[typical]}。"
            )
        elif (timed[tail].p90 or 0) > f.targets[tail]:
            items.append(
                f"「{STEP[tail]}」多数及时，但最慢的一成超过 {duration(timed[tail].p90)}"
                f"（目标 {duration(f.targets[tail])}以内）：{STEP_ADVICE[tail]}。"
            )
        else:
            items.append(
                f"各环节都在目标内，相对最慢的是「{STEP[typical]}」"
                f"（中位 {duration(spread.median)}，目标 {duration(target)}以内），继续保持。"
            )
    if f.window.missed:
        items.append(
            f"有 {f.window.missed} 条差评过了时限还没有回复：发送 /pending 查看，今天处理完。"
        )
    return items[:limit] or ["本期没有需要改进的地方，继续保持 👍"]


def headline(f: Figures) -> list[str]:
    """How many reviews, how they were rated, how fast negative ones were answered."""
    if not f.reviews:
        return ["本期没有新评价"]
    counts = "、".join(f"{POLARITY[p]} {f.polarity.get(p, 0)}" for p in POLARITY)
    lines = [f"新评价 {f.reviews} 条（{counts}）", rating_line(f), window_line(f)]
    return [line for line in lines if line]


def cases_line(f: Figures) -> str | None:
    """The customer cases opened in the period and what became of them."""
    c = f.cases
    if not c.opened:
        return None
    return (
        f"顾客回访：新开 {c.opened} 件，已接通 {c.reached} 件，已解决 {c.resolved} 件，"
        f"顾客回来了 {c.came_back} 位"
    )


def cleared_line(f: Figures) -> str | None:
    """The malice flags staff cleared: each a false accusation the bot did not make."""
    if not f.flags_cleared:
        return None
    return f"误判恶意：店员确认 {f.flags_cleared} 条疑似恶意的评价不是恶意，已按普通评价处理"


def details(f: Figures) -> list[str]:
    """Step times, the positive reviews, customers won back, and what to fix first."""
    recovery = (
        f"挽回顾客 {f.recovery.recovered} 位（给过差评后回来好评或调高评分）；"
        f"本期差评顾客 {f.recovery.unhappy} 位"
        if f.recovery.recovered or f.recovery.unhappy
        else None
    )
    lines = [
        steps_line(f),
        delay_line(f),
        positive_line(f),
        recovery,
        cases_line(f),
        cleared_line(f),
    ]
    tips = [f"{i}. {text}" for i, text in enumerate(advice(f), 1)]
    return [line for line in lines if line] + ["优先改进：", *tips]


def summary(f: Figures, store_name: str, period: str, zone: ZoneInfo) -> str:
    """The short Chinese summary a report page carries."""
    return "\n".join([title(f, store_name, period, zone), *headline(f), *details(f)])


def caption(f: Figures, store_name: str, period: str, zone: ZoneInfo) -> str:
    """The lines under a digest's chart: the title and the headline figures."""
    return "\n".join([f"📊 {title(f, store_name, period, zone)}", *headline(f)])


def stats_text(f: Figures, store_name: str, open_now: int) -> str:
    """/stats: today's figures in a few lines."""
    lines = [
        f"📊 {store_name} 今日",
        f"新评价 {f.reviews} 条，提醒 {f.steps['alert'].count} 条，待处理 {open_now} 条",
        f"已发布回复 {f.replies_posted} 条",
    ]
    if f.negative:
        lines.append(window_line(f))
    for step in ("approve", "post"):
        spread = f.steps[step]
        if spread.count:
            lines.append(
                f"{STEP_FROM[step]}：中位 {duration(spread.median)}，"
                f"最慢 {duration(spread.maximum)}（{spread.count} 条）"
            )
    if f.quotes:
        lines.append("今日好评：" + "".join(f"「{q}」" for q in f.quotes[:1]))
    return "\n".join(lines)
