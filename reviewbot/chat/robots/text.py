"""What a robot says, in Simplified Chinese, before each service's markup: a card's title,
its lines, its links, and the one-line form of an alert or notice in a merged summary."""

from __future__ import annotations

from dataclasses import dataclass

from reviewbot.chat.alerts import format_alert, stars, status_lines
from reviewbot.chat.notices import Notice
from reviewbot.chat.pictures import Picture
from reviewbot.reporting.labels import PLATFORMS
from reviewbot.text import clip_utf16
from reviewbot.workflow.cards import AlertView
from reviewbot.workflow.thanks import Page

NOTICE_TITLES = {"info": "通知", "warning": "提醒", "critical": "紧急通知"}
NOTICE_ICONS = {"info": "ℹ️", "warning": "⚠️", "critical": "🚨"}
AUDIENCES = {"owner": "店主", "manager": "店长", "staff": "店员"}
# What a user-written field may not smuggle into a service's markdown: links, bold, font
# tags, headings. Full-width look-alikes keep the text readable.
_MARKUP = str.maketrans(
    {"[": "［", "]": "］", "*": "＊", "<": "＜", ">": "＞", "`": "'", "#": "＃"}
)
VALUE_UNITS = 600  # a review or a draft longer than this is cut (the platform has it all)
SUMMARY_UNITS = 40  # characters of a review or a notice on a summary's line


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


def plain(text: str) -> str:
    """User-written text made inert in every robot's markdown."""
    return text.translate(_MARKUP)


def urgent(view: AlertView) -> bool:
    return view.kind == "critical" or view.severity in ("high", "critical") or view.malicious


def review_page(public_url: str | None, review_id: int) -> str | None:
    """The review's page on the web console, when one is configured."""
    return f"{public_url}/reviews/{review_id}" if public_url else None


def links(view: AlertView, public_url: str | None) -> list[Link]:
    """Where a card's buttons go: the review on its platform, and the web console."""
    out = []
    if view.url and view.url.startswith(("http://", "https://")):
        out.append(Link(f"在{PLATFORMS.get(view.platform, view.platform)}查看", view.url))
    page = review_page(public_url, view.review_id)
    if page:
        out.append(Link("在控制台处理", page))
    return out


@dataclass(frozen=True, slots=True)
class Card:
    """An alert as a robot draws it: a title, then (label, value) lines, then links."""

    title: str
    lines: list[tuple[str, str]]
    links: list[Link]
    urgent: bool


def alert_card(view: AlertView, public_url: str | None) -> Card:
    lines = format_alert(view)
    title = next(value for label, value in lines if label == "title")
    body = [
        (label, plain(clip_utf16(value, VALUE_UNITS))) for label, value in lines if label != "title"
    ]
    body += [("状态", plain(line)) for line in status_lines(view)]
    body.append(("编号", f"评价 #{view.review_id}"))
    return Card(plain(title), body, links(view, public_url), urgent(view))


def notice_title(notice: Notice) -> str:
    if notice.title:
        return plain(notice.title)
    to = AUDIENCES[notice.audience]
    return f"{NOTICE_TITLES[notice.level]} · {plain(notice.store_name)} · 致{to}"


def digest_notice(picture: Picture) -> Notice:
    """A digest as a robot can send it: its caption's title, the figures and the advice
    (a webhook takes no uploaded chart)."""
    caption = picture.caption.splitlines() or ["📊 评价汇总"]
    text = "\n".join(caption[1:] + (picture.text.splitlines() if picture.text else []))
    return Notice(picture.store_id, picture.store_name, text, title=caption[0])


def thanks_notice(
    page: Page, store_id: str, store_name: str, public_url: str | None, telegram: bool
) -> Notice:
    """A thank-you batch as a message: each waiting draft with its review, where to post
    them (Telegram's /thanks posts a page at once; the console one review at a time)."""
    lines = ["这些好评的感谢回复草稿已备好，请过目后发布（最早的在前）："]
    for item in page.items:
        lines.append(f"{item.n}. {stars(item.rating)} 评价 #{item.review_id}「{item.excerpt}」")
        lines.append(f"　　回复：{item.draft}")
        page_url = review_page(public_url, item.review_id)
        if page_url:
            lines.append(f"　　发布：{page_url}")
    if page.notes.remaining:
        lines.append(f"另有 {page.notes.remaining} 条未列出。")
    if telegram:
        lines.append("在 Telegram 群里发送 /thanks 可整批发布。")
    if public_url:
        lines.append("点每条的链接可在控制台逐条发布。")
    if not telegram and not public_url:
        lines.append("请在各平台的商家后台发布这些回复。")
    title = f"🙏 好评待感谢 · {store_name} · {page.notes.total} 条"
    return Notice(store_id, store_name, "\n".join(lines), title=title)


def summary_title(count: int, per_minute: int) -> str:
    return f"评价提醒汇总 · {count} 条（群机器人每分钟最多发 {per_minute} 条，其余合并在此）"


def summary_line(item: AlertView | Notice, public_url: str | None) -> tuple[str, str | None]:
    """One merged message as a line, and where its link goes (None: no link)."""
    if isinstance(item, Notice):
        first = item.title or (item.text.strip().splitlines()[0] if item.text.strip() else "")
        text = plain(clip_utf16(first, SUMMARY_UNITS))
        return f"{NOTICE_ICONS[item.level]} {plain(item.store_name)}：{text}", None
    words = plain(clip_utf16((item.text or "（只有评分）").replace("\n", " "), SUMMARY_UNITS))
    platform = PLATFORMS.get(item.platform, item.platform)
    mark = "🚨 " if urgent(item) else ""
    store = plain(item.store_name)
    line = f"{mark}#{item.review_id} {store} · {platform} · {stars(item.rating)}：{words}"
    found = links(item, public_url)
    return line, found[0].url if found else None
