"""The web console: the chat's workflow in a browser, served by the daemon (aiohttp).

Every page is rendered by Jinja2 with autoescaping: review text is untrusted and never
becomes markup. Who someone is comes from their session cookie (see workflow/signin.py),
looked up on every request; what they may see and do is decided by the workflow, as in
chat. Every POST carries the session's CSRF token and must come from the console's own
pages (its Origin); pages forbid framing and load nothing from elsewhere (a strict
Content-Security-Policy), and the sign-in link's token never leaves for another site in
a Referer.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from reviewbot.reporting.labels import CATEGORY, PLATFORMS, REASONS, SEVERITY
from reviewbot.reporting.summary import STEP, duration
from reviewbot.workflow.cards import case_line, status_lines, timing_line
from reviewbot.workflow.cases import AGREEMENT_NAMES, LINK_NAMES, OUTCOME_NAMES, case_summary
from reviewbot.workflow.console import Console, QueueFilter
from reviewbot.workflow.signin import Signed

log = logging.getLogger(__name__)

COOKIE = "rb_session"
STATIC = Path(__file__).parent / "static"
# Where a request keeps its signed-in person (aiohttp's typed key where it has one).
SIGNED: Any = web.RequestKey("signed", Signed) if hasattr(web, "RequestKey") else "signed"
ACTIONS = {
    "approve",
    "regenerate",
    "contacted",
    "malicious",
    "not_malicious",
    "ignore",
    "undo_ignore",
    "ask_manager",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # ("no-referrer" makes browsers send Origin: null)
    "Cache-Control": "no-store",
}
STATUS = {
    "open": "待处理",
    "appeal": "申诉中",
    "approved": "已通过，发布中",
    "replied": "已回复",
    "replied_manually": "已手动回复",
    "replied_elsewhere": "平台上已回复",
    "ignored": "已忽略",
}
# The case forms' buttons: an icon before each answer's name (workflow/cases.py's words).
CASE_ICONS = {
    "reached": "✅",
    "no_answer": "📵",
    "wrong_number": "❌",
    "apology_only": "🙏",
    "remedy_offered": "🎁",
    "refused": "🙅",
}
STATE = {
    "ok": "正常",
    "new": "尚未轮询",
    "failing": "出错",
    "reauth": "需要重新授权",
    "disabled": "已停用",
    "skipped": "未运行",
}


def _stars(rating: float | None) -> str:
    if rating is None:
        return "无评分"
    full = max(0, min(5, round(rating)))
    return "★" * full + "☆" * (5 - full)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reviewbot.web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["stars"] = _stars
    env.filters["platform"] = lambda code: PLATFORMS.get(code, code)
    env.filters["severity"] = lambda code: SEVERITY.get(code, code)
    env.filters["category"] = lambda code: CATEGORY.get(code, code)
    env.filters["reason"] = lambda code: REASONS.get(code, code)
    env.filters["status"] = lambda code: STATUS.get(code, code)
    env.filters["state"] = lambda code: STATE.get(code, code)
    env.filters["seconds"] = duration
    env.filters["share"] = lambda v: f"{v:.0%}" if v is not None else "—"
    env.filters["rating"] = lambda v: f"{v:.2f}" if v is not None else "—"
    env.globals["STEP"] = STEP
    return env


def _local(when: datetime | str | None, zone: str, fmt: str = "%m-%d %H:%M") -> str:
    if when is None:
        return ""
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    return when.astimezone(ZoneInfo(zone)).strftime(fmt)


def _left(deadline: datetime | None, now: datetime) -> tuple[str, str]:
    """Time left in a reply window, in words, and how urgent it looks (a CSS class)."""
    if deadline is None:
        return "无回复时限", "calm"
    delta = deadline - now
    if delta <= timedelta(0):
        return f"已超时 {_span(-delta)}", "late"
    return f"剩 {_span(delta)}", "soon" if delta < timedelta(hours=2) else "calm"


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} 分钟"
    hours = minutes / 60
    return f"{hours:.0f} 小时" if hours < 48 else f"{hours / 24:.0f} 天"


def _period(request: web.Request) -> tuple[str | None, date | None]:
    """The dashboard's period and end date from the query string."""
    return request.query.get("period"), _date(request.query.get("end"))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class ConsoleApp:
    """The aiohttp application: routes, sign-in and CSRF checks, rendering."""

    def __init__(self, console: Console, *, public_url: str | None = None) -> None:
        self.console = console
        self.public_url = public_url
        self.secure_cookie = bool(public_url and public_url.startswith("https://"))
        self.signin = console.desk.signin
        self.clock = console.clock
        self.env = _environment()
        self.app = web.Application(middlewares=[self._headers, self._auth])
        self.app.router.add_get("/signin", self.signin_page)
        self.app.router.add_post("/signin", self.signin_post)
        self.app.router.add_post("/signout", self.signout)
        self.app.router.add_get("/", self.queue)
        self.app.router.add_get("/reviews/{id:\\d+}", self.review)
        self.app.router.add_post("/reviews/{id:\\d+}/action", self.action)
        self.app.router.add_post("/reviews/{id:\\d+}/edit", self.edit)
        self.app.router.add_post("/api/reviews/{id:\\d+}/check", self.check)
        self.app.router.add_get("/reviews/{id:\\d+}/customer", self.customer)
        self.app.router.add_post("/reviews/{id:\\d+}/case", self.case)
        self.app.router.add_get("/stores/{store}", self.dashboard)
        self.app.router.add_get("/stores/{store}/chart.png", self.chart)
        self.app.router.add_get("/chain", self.chain)
        self.app.router.add_get("/sessions", self.sessions_page)
        self.app.router.add_post("/sessions/revoke", self.revoke)
        self.app.router.add_static("/static", STATIC)

    # -- middleware -----------------------------------------------------------------

    @web.middleware
    async def _headers(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        for name, value in SECURITY_HEADERS.items():
            if name == "Cache-Control" and request.path.startswith("/static/"):
                continue
            response.headers.setdefault(name, value)
        return response

    @web.middleware
    async def _auth(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Everything but sign-in and the static files needs a live session; every POST
        but the sign-in itself (its one-time token is the proof) needs its CSRF token,
        and no POST is taken from another site's page (its Origin, where sent)."""
        origin = request.headers.get("Origin")
        if request.method == "POST" and origin and not self._own(request, origin):
            return web.Response(status=403, text="forbidden: cross-site request")
        if request.path == "/signin" or request.path.startswith("/static/"):
            return await handler(request)
        signed = await self.signin.who(request.cookies.get(COOKIE))
        if signed is None:
            if request.path.startswith("/api/"):
                return web.json_response({"error": "请重新登录。"}, status=401)
            return self.page("signin.html", status=401, signed=None, token=None, expired=False)
        if request.method == "POST":
            sent = request.headers.get("X-CSRF-Token")
            if sent is None:
                form = await request.post()
                sent = str(form.get("csrf", ""))
            if not hmac.compare_digest(sent, signed.csrf):
                await self.console.refused(signed.actor.id, f"web:{request.path}", csrf=False)
                return self.message(signed, "页面已过期，请刷新后重试。", status=403)
        request[SIGNED] = signed
        return await handler(request)

    def _own(self, request: web.Request, origin: str) -> bool:
        """Whether a POST's Origin is the console itself (its public address, or the one
        the request was sent to)."""
        return origin in (self.public_url, f"{request.scheme}://{request.host}")

    # -- rendering ------------------------------------------------------------------

    def page(self, name: str, *, status: int = 200, **values: Any) -> web.Response:
        signed: Signed | None = values.get("signed")
        html = self.env.get_template(name).render(
            csrf=signed.csrf if signed else "",
            me=signed.actor if signed else None,
            owner=bool(signed and self.console.owned(signed.actor)),
            stores=self.console.stores(signed.actor) if signed else [],
            local=_local,
            **values,
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)

    def message(self, signed: Signed | None, text: str, *, status: int = 200) -> web.Response:
        return self.page("message.html", status=status, signed=signed, text=text)

    # -- sign-in ----------------------------------------------------------------------

    async def signin_page(self, request: web.Request) -> web.Response:
        """The link from chat opens a page with one button: a link preview (chat apps
        fetch links) must not spend the one-time token, only a person's press does."""
        token = request.query.get("t", "")
        return self.page("signin.html", signed=None, token=token, expired=False)

    async def signin_post(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        token = await self.signin.exchange(
            str(form.get("t", "")), request.headers.get("User-Agent")
        )
        if token is None:
            return self.page("signin.html", status=403, signed=None, token=None, expired=True)
        response = web.HTTPSeeOther("/")  # raised, with its cookie
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(self.signin.session_ttl.total_seconds()),
            httponly=True,
            secure=self.secure_cookie,
            samesite="Lax",  # Strict would drop the cookie when a chat card's link opens
            path="/",
        )
        raise response

    async def signout(self, request: web.Request) -> web.StreamResponse:
        await self.signin.sign_out(request[SIGNED])
        response = web.HTTPSeeOther("/signin")
        response.del_cookie(COOKIE, path="/")
        raise response

    # -- pages ------------------------------------------------------------------------

    async def queue(self, request: web.Request) -> web.Response:
        signed: Signed = request[SIGNED]
        q = request.query
        wanted = QueueFilter(
            store=q.get("store") or None,
            platform=q.get("platform") or None,
            severity=q.get("severity") or None,
            malicious=q.get("malicious") == "1",
            unanswered=q.get("unanswered") == "1",
        )
        found = await self.console.queue(signed.actor, wanted)
        now = self.clock.now()
        zones = {s.id: s.timezone for s in self.console.settings.stores}
        rows = [(item, *_left(item.deadline, now), zones[item.store_id]) for item in found.items]
        return self.page(
            "queue.html",
            signed=signed,
            rows=rows,
            total=found.total,
            platforms=found.platforms,
            wanted=wanted,
            severities=list(SEVERITY),
        )

    async def review(
        self, request: web.Request, outcome: Any = None, draft_text: str | None = None
    ) -> web.Response:
        signed: Signed = request[SIGNED]
        review_id = int(request.match_info["id"])
        found = await self.console.review(signed.actor, review_id)
        if found is None:
            await self.console.refused(signed.actor.id, "web:review", review_id=review_id)
            return self.message(signed, "找不到这条评价，或您没有这家门店的权限。", status=403)
        view = found.view
        return self.page(
            "review.html",
            signed=signed,
            r=found,
            v=view,
            timing=timing_line(view),
            status_lines=status_lines(view),
            case_line=case_line(view),
            outcome=outcome,
            draft_text=draft_text if draft_text is not None else (view.draft_text or ""),
            left=_left(
                view.window_start + view.reply_window
                if view.window_start and view.reply_window
                else None,
                self.clock.now(),
            ),
        )

    async def action(self, request: web.Request) -> web.Response:
        signed: Signed = request[SIGNED]
        form = await request.post()
        action = str(form.get("action", ""))
        if action not in ACTIONS:
            return self.message(signed, "未知的操作。", status=400)
        review_id = int(request.match_info["id"])
        shown = str(form.get("draft_id", ""))  # ✅ posts the draft the page showed, or nothing
        outcome = await self.console.act(
            signed.actor,
            review_id,
            action,  # type: ignore[arg-type]
            int(shown) if shown.isdigit() else None,
        )
        if outcome.message == self._refused_text:
            return self.message(signed, outcome.message, status=403)
        return await self.review(request, outcome)

    _refused_text = "找不到这条评价，或您没有这家门店的权限。"

    async def edit(self, request: web.Request) -> web.Response:
        signed: Signed = request[SIGNED]
        form = await request.post()
        review_id = int(request.match_info["id"])
        based = str(form.get("based_on", ""))
        text = str(form.get("text", ""))
        outcome = await self.console.edit(
            signed.actor, review_id, text, int(based) if based.isdigit() else None
        )
        if outcome.message == self._refused_text:
            return self.message(signed, outcome.message, status=403)
        # A refused text stays in the box, to fix rather than retype.
        return await self.review(request, outcome, None if outcome.ok else text)

    async def check(self, request: web.Request) -> web.Response:
        signed: Signed = request[SIGNED]
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": "请求格式不对。"}, status=400)
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(text, str) or len(text) > 5000:
            return web.json_response({"error": "请求格式不对。"}, status=400)
        violations = await self.console.check(signed.actor, int(request.match_info["id"]), text)
        if violations is None:
            return web.json_response({"error": "没有权限。"}, status=403)
        return web.json_response({"ok": not violations, "violations": violations})

    async def customer(self, request: web.Request, outcome: Any = None) -> web.Response:
        signed: Signed = request[SIGNED]
        review_id = int(request.match_info["id"])
        found = await self.console.customer(signed.actor, review_id)  # refusals audited
        if found is None:
            return self.message(signed, self._refused_text, status=403)
        return self.page(
            "customer.html",
            signed=signed,
            c=found,
            s=found.story,
            outcome=outcome,
            facts=case_summary(found.case),
            outcomes=OUTCOME_NAMES,
            agreements=AGREEMENT_NAMES,
            link_names=LINK_NAMES,
            icons=CASE_ICONS,
            today=self.console.today(found.story.store_id).isoformat(),
        )

    async def case(self, request: web.Request) -> web.Response:
        """A case form on the customer page: a call's outcome, what was agreed, a
        follow-up date; the page comes back with the answer."""
        signed: Signed = request[SIGNED]
        form = await request.post()
        review_id = int(request.match_info["id"])
        seen = str(form.get("seen", ""))  # the calls recorded when the form was drawn
        outcome = await self.console.case_act(
            signed.actor,
            review_id,
            str(form.get("what", "")),
            str(form.get("value", "")),
            str(form.get("note", "")) or None,
            int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 7 else None,
        )
        if outcome.code == "refused":
            return self.message(signed, self._refused_text, status=403)
        return await self.customer(request, outcome)

    def _covers(self, signed: Signed, store_id: str) -> bool:
        """Whether the signed-in person works for this store (its dashboard and chart)."""
        return store_id in dict(self.console.stores(signed.actor))

    async def dashboard(self, request: web.Request) -> web.Response:
        signed: Signed = request[SIGNED]
        store_id = request.match_info["store"]
        period, end = _period(request)
        found = (
            await self.console.dashboard(signed.actor, store_id, period, end)
            if self._covers(signed, store_id)
            else None
        )
        if found is None:
            await self.console.refused(signed.actor.id, "web:dashboard", store=store_id)
            return self.message(signed, "没有这家门店的权限。", status=403)
        return self.page("dashboard.html", signed=signed, d=found, tables=Markup(found.tables_html))

    async def chart(self, request: web.Request) -> web.Response:
        signed: Signed = request[SIGNED]
        store_id = request.match_info["store"]
        period, end = _period(request)
        png = (
            await self.console.chart(signed.actor, store_id, period, end)
            if self._covers(signed, store_id)
            else None
        )
        if png is None:
            return web.Response(status=403)
        return web.Response(body=png, content_type="image/png")

    async def chain(self, request: web.Request) -> web.Response:
        signed: Signed = request[SIGNED]
        if not self.console.owned(signed.actor):
            await self.console.refused(signed.actor.id, "web:chain")
            return self.message(signed, "门店对比只对店主开放。", status=403)
        period, end = request.query.get("period"), _date(request.query.get("end"))
        rows = await self.console.chain(signed.actor, period, end)
        return self.page("chain.html", signed=signed, rows=rows, period=period or "week")

    async def sessions_page(self, request: web.Request, note: str | None = None) -> web.Response:
        signed: Signed = request[SIGNED]
        live = await self.signin.live(signed.actor)
        stores = self.console.stores(signed.actor)
        zone = self.console.directory.timezone(stores[0][0]) if stores else "Asia/Shanghai"
        return self.page("sessions.html", signed=signed, live=live, note=note, zone=zone)

    async def revoke(self, request: web.Request) -> web.StreamResponse:
        signed: Signed = request[SIGNED]
        form = await request.post()
        chosen = str(form.get("session_id", ""))
        ended = await self.signin.revoke(
            signed.actor, session_id=int(chosen) if chosen.isdigit() else None
        )
        if await self.signin.who(request.cookies.get(COOKIE)) is None:
            response = web.HTTPSeeOther("/signin")
            response.del_cookie(COOKIE, path="/")
            raise response
        return await self.sessions_page(request, f"已注销 {ended} 个登录。")


class WebServer:
    """The console on its listen address, started and stopped with the daemon."""

    def __init__(self, console: Console, host: str, port: int, public_url: str | None) -> None:
        self.host, self.port = host, port
        self.public_url = public_url
        self.app = ConsoleApp(console, public_url=public_url).app
        self.runner: web.AppRunner | None = None
        self.base_url = ""  # where people reach it (public_url when set)
        self.local_url = ""  # where it listens

    async def start(self) -> str:
        """Listen; returns the console's base URL (public_url when set)."""
        self.runner = web.AppRunner(self.app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        port = self.runner.addresses[0][1] if self.runner.addresses else self.port
        self.local_url = f"http://{self.host}:{port}"
        self.base_url = self.public_url or self.local_url
        log.info("web console listening on %s:%s (%s)", self.host, port, self.base_url)
        return self.base_url

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
