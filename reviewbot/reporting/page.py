"""The report as one self-contained HTML page: the chart embedded, the summary, the figures.

Nothing is fetched from anywhere: the PNG is inlined as a data URI (and also written beside
the page), styles are inline, so the page can be mailed or opened offline.
"""

from __future__ import annotations

import base64
from html import escape
from zoneinfo import ZoneInfo

from reviewbot.reporting.metrics import CATEGORIES, POLARITIES, STEPS, Figures
from reviewbot.reporting.summary import (
    CATEGORY,
    PLATFORMS,
    POLARITY,
    STEP,
    STEP_FROM,
    advice,
    duration,
    period_label,
    positive_line,
    title,
)

STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;
background:#f6f7f9;color:#222}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
.muted{color:#777;font-size:13px}
img{max-width:100%;border:1px solid #e6e6e6;border-radius:6px;background:#fff}
.advice{background:#fff7e6;border-left:4px solid #f0a33a;padding:12px 16px;border-radius:4px}
.advice li{margin:6px 0}
table{border-collapse:collapse;background:#fff;margin:8px 0;min-width:50%}
th,td{border:1px solid #e6e6e6;padding:6px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}
th{background:#f0f2f5}
"""


DEFINITIONS = (
    "用时定义：提醒＝评价出现到提醒送达聊天；处理＝提醒送达到店员通过或忽略；"
    "发布＝评价出现到回复发布到平台；联系＝评价出现到记录已联系顾客；"
    "平台延迟＝顾客在平台发布评价到平台把它提供给我们。"
    "中位数：一半的评价快于此值；最慢一成（p90）：90% 的评价不超过此值。"
    "按时回复率只计算已回复或时限已过的差评。"
)


def _table(head: list[str], rows: list[list[str]]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _share(value: float | None) -> str:
    return f"{value:.0%}" if value is not None else "—"


def _rating(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "—"


def figures_tables(f: Figures, store_names: dict[str, str] | None = None) -> str:
    w = f.window
    overview = _table(
        ["指标", "数值"],
        [
            ["新评价（条）", str(f.reviews)],
            *([f"{POLARITY[p]}（条）", str(f.polarity.get(p, 0))] for p in POLARITIES[::-1]),
            ["平均评分（星）", _rating(f.average_rating)],
            ["上期平均评分（星）", _rating(f.previous_average_rating)],
            ["差评按时回复率", _share(w.share)],
            [
                "按时回复 / 超时回复 / 过时限未回复 / 仍在时限内",
                f"{w.on_time} / {w.late} / {w.missed} / {w.pending}",
            ],
            ["本期发布的回复（条）", str(f.replies_posted)],
            ["挽回顾客（位）", str(f.recovery.recovered)],
            ["可识别的差评顾客（位）", str(f.recovery.unhappy)],
        ],
    )
    cases = _table(
        ["门店", "新开回访（件）", "已接通", "已解决", "顾客回来了（位）"],
        [
            [
                (store_names or {}).get(store, store),
                str(c.opened),
                str(c.reached),
                str(c.resolved),
                str(c.came_back),
            ]
            for store, c in f.cases_by_store.items()
        ],
    )
    steps = _table(
        ["环节", "条数", "中位数", "最慢一成（p90）", "最长", "目标"],
        [
            [
                f"{STEP[s]}（{STEP_FROM[s]}）",
                str(f.steps[s].count),
                duration(f.steps[s].median),
                duration(f.steps[s].p90),
                duration(f.steps[s].maximum),
                duration(f.targets.get(s)),
            ]
            for s in STEPS
            if s in f.steps
        ],
    )
    names = [c for c in CATEGORIES if c in f.categories] + [
        c for c in f.categories if c not in CATEGORIES
    ]
    categories = _table(
        ["类别", *(POLARITY[p] for p in POLARITIES), "差评常见词"],
        [
            [
                CATEGORY.get(c, c),
                *(str(f.categories[c].get(p, 0)) for p in POLARITIES),
                "、".join(f.negative_terms.get(c, [])),
            ]
            for c in names
        ],
    )
    days = _table(
        ["日期", "新评价", "差评", "好评", "平均评分"],
        [
            [
                d.day.isoformat(),
                str(d.reviews),
                str(d.polarity.get("negative", 0)),
                str(d.polarity.get("positive", 0)),
                _rating(d.average_rating),
            ]
            for d in f.days
        ],
    )
    delays = _table(
        ["平台", "条数", "中位数", "最慢一成（p90）", "最长"],
        [
            [
                PLATFORMS.get(p, p),
                str(s.count),
                duration(s.median),
                duration(s.p90),
                duration(s.maximum),
            ]
            for p, s in f.platform_delay.items()
        ],
    )
    return (
        f"<h2>总览</h2>{overview}<h2>各环节用时</h2>{steps}"
        f"<h2>顾客回访（按门店）</h2>{cases if f.cases_by_store else '<p>暂无数据</p>'}"
        f"<h2>平台延迟（评价发布→我们看到）</h2>"
        f"{delays if f.platform_delay else '<p>暂无数据</p>'}"
        f"<h2>按类别（提及次数）</h2>{categories if names else '<p>暂无数据</p>'}"
        f"<h2>按日</h2>{days if f.days else '<p>暂无数据</p>'}"
    )


def render_html(
    f: Figures,
    store_name: str,
    period: str,
    zone: ZoneInfo,
    png: bytes,
    png_name: str,
    store_names: dict[str, str] | None = None,
) -> str:
    heading = title(f, store_name, period, zone)
    image = base64.b64encode(png).decode("ascii")
    tips = "".join(f"<li>{escape(t)}</li>" for t in advice(f))
    praise = positive_line(f)
    as_of = f.as_of.astimezone(zone)
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(heading)}</title><style>{STYLE}</style></head>
<body><main>
<h1>{escape(heading)}</h1>
<p class="muted">统计对象：{escape(period_label(f.start, f.end, zone))}首次出现的评价；处理进度截至
{as_of:%Y-%m-%d %H:%M}。</p>
<div class="advice"><strong>优先改进</strong><ol>{tips}</ol></div>
{f"<p>{escape(praise)}</p>" if praise else ""}
<p><a href="{escape(png_name)}"><img alt="{escape(heading)}"
 src="data:image/png;base64,{image}"></a></p>
{figures_tables(f, store_names)}
<p class="muted">{escape(DEFINITIONS)}</p>
</main></body></html>
"""
