"""The web console in a real browser: headless Chromium (Debian's `chromium`, installed by
tools/setup-browser) driven by Playwright, against the daemon on the demo platform with
the fake Telegram server. Sign-in is the real one: /web in a private chat, the link the
bot sends, the cookie the browser then holds.

One browser for the whole test session and one daemon for this module (each test works
on its own reviews), so the module costs a few seconds. Select these with `-m browser`;
without Chromium they skip and say how to install it. `tools/screenshots.py` runs
`test_screenshots` with REVIEWBOT_SCREENSHOTS set to refresh docs/screenshots/.
"""

from __future__ import annotations

import html
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.clock import FakeClock
from reviewbot.config import parse_settings
from reviewbot.platforms.demo.server import DemoPlatform, DemoServer
from reviewbot.store.schema import AuditEntry, Review
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.harness.daemon import Running
from tests.harness.telegram import OTHER_STORE, OWNER, STAFF, telegram_settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.xdist_group("browser"),
]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# What the customer typed: tags the platform serves escaped (its adapter strips real
# tags and decodes entities), so the review's stored text holds them literally.
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">难吃'
HOSTILE_WIRE = html.escape(HOSTILE)
CASE_ACTIONS = ("case.outcome", "case.agreement", "case.follow_up_set")


def chromium() -> str | None:
    """The system's Chromium: REVIEWBOT_CHROMIUM, else Debian's, else one on PATH."""
    for candidate in (
        os.environ.get("REVIEWBOT_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Any]:
    path = chromium()
    if path is None:
        pytest.skip("no Chromium found: run tools/setup-browser (apt-get install chromium)")
    playwright = pytest.importorskip(
        "playwright.async_api", reason="Playwright missing: pip install -e '.[test]'"
    )
    async with playwright.async_playwright() as p:
        launched = await p.chromium.launch(executable_path=path, headless=True, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def live(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> AsyncIterator[Running]:
    """The daemon with its Telegram bot and the web console (on a free port)."""
    path = tmp_path_factory.mktemp("web") / "reviewbot.db"
    shutil.copyfile(sqlite_template, path)
    telegram = FakeTelegram()
    await telegram.start()
    env = pytest.MonkeyPatch()  # the module's own, undone at its end
    env.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    clock = FakeClock()
    platform = DemoPlatform(
        seed=7, reviews_per_minute=0, backlog=0, follow_up_probability=0, clock=clock.now
    )
    demo = DemoServer(platform, port=0, tick_seconds=0.05)
    await demo.start()
    settings = telegram_settings(f"sqlite+aiosqlite:///{path}", demo.base_url, telegram.base_url)
    settings["web"] = {"enabled": True, "listen_port": 0}
    daemon = Daemon(parse_settings(settings), clock=clock)
    await daemon.start(schedule=False)
    try:
        yield Running(daemon, telegram, demo, clock)
    finally:
        await daemon.stop()
        await daemon.close()
        await demo.stop()
        await telegram.stop()
        env.undo()


async def arrives(
    live: Running, text: str, stars: int = 1, shop: str = "shop-1", **review: Any
) -> int:
    """A review on the demo platform, polled and processed: its id."""
    live.demo.platform.add_review(shop, text, stars, **review)
    live.clock.advance(minutes=5)
    await live.daemon.poll_all_once()
    await live.daemon.drain()
    async with live.daemon.sessions() as session:
        return await session.scalar(select(Review.id).order_by(Review.id.desc()).limit(1))


async def signed_in(browser: Any, live: Running, user: int, viewport: dict = DESKTOP) -> Any:
    """A browser page signed in as `user` through the link /web sends in Telegram."""
    answer = await live.ask(user, user, "/web")
    link = answer.split("\n")[-1]
    assert "/signin?t=" in link, answer
    context = await browser.new_context(viewport=viewport, locale="zh-CN")
    page = await context.new_page()
    await page.goto(link)
    await page.click("#enter")
    await page.wait_for_url(f"{live.daemon.desk.web_base}/")
    return page


async def test_sign_in_work_the_queue_and_approve_once(browser: Any, live: Running) -> None:
    first = await arrives(live, "水煮鱼太咸了，送到的时候已经凉了", 1)
    second = await arrives(live, "等了一个半小时才送到，汤都洒了", 2)
    page = await signed_in(browser, live, STAFF)
    listed = await page.locator(".queue .item a").evaluate_all(
        "items => items.map(a => a.getAttribute('href'))"
    )
    assert f"/reviews/{first}" in listed and f"/reviews/{second}" in listed
    # the earlier window closes first: it comes first
    assert listed.index(f"/reviews/{first}") < listed.index(f"/reviews/{second}")

    await page.click(f"a[href='/reviews/{first}']")
    draft = await page.inner_text("#draft-text")
    await page.click("#approve")
    assert "已通过" in await page.inner_text("#outcome")
    await live.daemon.drain()
    posted = [r for r in live.demo.platform.replies if r.content == draft]
    assert len(posted) == 1

    # the same page's button pressed again (a stale tab): nothing is posted twice
    await page.go_back()
    await page.reload()
    assert await page.locator("#approve").count() == 0  # handled: no approve button now
    response = await page.request.post(
        f"{live.daemon.desk.web_base}/reviews/{first}/action",
        form={"action": "approve", "csrf": await _csrf(page)},
    )
    assert "已由 小张" in await response.text()
    await live.daemon.drain()
    assert len([r for r in live.demo.platform.replies if r.content == draft]) == 1

    # the queue no longer lists it; filters narrow it
    await page.goto(f"{live.daemon.desk.web_base}/?store=store-1&unanswered=1")
    listed = await page.locator(".queue .item a").evaluate_all(
        "items => items.map(a => a.getAttribute('href'))"
    )
    assert f"/reviews/{first}" not in listed and f"/reviews/{second}" in listed
    await page.context.close()


async def test_an_edit_into_a_guardrail_refusal_is_explained(browser: Any, live: Running) -> None:
    review = await arrives(live, "米饭是夹生的，服务员态度也很差", 1)
    page = await signed_in(browser, live, STAFF, PHONE)
    await page.goto(f"{live.daemon.desk.web_base}/reviews/{review}")
    await page.click("#edit-toggle")
    refused = "您好，我们保证下次全额退款，请加我微信 abc12345 联系。"
    await page.fill("#reply", "")
    await page.type("#reply", refused, delay=5)
    await page.wait_for_selector("#guard ul li")  # feedback while typing
    assert "不能发布" in await page.inner_text("#guard")
    await page.click("#post-edit")
    outcome = await page.inner_text("#outcome")
    assert outcome.startswith("不能发布")
    assert await page.input_value("#reply") == refused  # kept to be fixed, not retyped
    await live.daemon.drain()
    assert not [r for r in live.demo.platform.replies if "abc12345" in r.content]
    async with live.daemon.sessions() as session:
        blocked = await session.scalar(
            select(AuditEntry).where(
                AuditEntry.review_id == review, AuditEntry.action == "draft.blocked"
            )
        )
    assert blocked is not None and blocked.actor == f"telegram:{STAFF}"

    # 🙈 asks first (a dismissed question ignores nothing), and can be taken back
    page.once("dialog", lambda dialog: dialog.dismiss())
    await page.click("#ignore")
    await page.goto(f"{live.daemon.desk.web_base}/reviews/{review}")
    assert await page.locator("#ignore").count() == 1  # still open
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("#ignore")
    assert "已忽略" in await page.inner_text("#outcome")
    await page.click("#undo-ignore")
    assert "已撤销忽略" in await page.inner_text("#outcome")
    await page.context.close()


async def test_staff_clear_a_malicious_flag_on_the_console(browser: Any, live: Running) -> None:
    """「不是恶意」 on a flagged review's page: the page comes back without the mark, the
    evidence and the lock, and the queue's 疑似恶意 filter no longer lists it."""
    review = await arrives(live, "加微信xx123领优惠券，代刷好评", 1)
    page = await signed_in(browser, live, STAFF)
    await page.goto(f"{live.daemon.desk.web_base}/?malicious=1")
    assert await page.locator(f".queue .item a[href='/reviews/{review}']").count() == 1
    await page.goto(f"{live.daemon.desk.web_base}/reviews/{review}")
    assert "疑似恶意" in await page.inner_text("main")
    assert await page.locator("#approve").count() == 0  # a manager's decision while flagged

    await page.click("#not-malicious")

    assert "已确认不是恶意" in await page.inner_text("#outcome")
    await page.goto(f"{live.daemon.desk.web_base}/reviews/{review}")
    shown = await page.inner_text("main")
    assert "疑似恶意" not in shown and "确认不是恶意" in shown
    assert await page.locator("#not-malicious").count() == 0
    draft = await page.inner_text("#draft-text")
    await page.click("#approve")
    assert "已通过" in await page.inner_text("#outcome")
    await live.daemon.drain()
    assert len([r for r in live.demo.platform.replies if r.content == draft]) == 1
    await page.goto(f"{live.daemon.desk.web_base}/?malicious=1")
    assert await page.locator(f".queue .item a[href='/reviews/{review}']").count() == 0
    await page.context.close()


async def test_staff_of_another_store_is_refused(browser: Any, live: Running) -> None:
    review = await arrives(live, "菜里有头发，太恶心了", 1)
    page = await signed_in(browser, live, OTHER_STORE)
    response = await page.goto(f"{live.daemon.desk.web_base}/reviews/{review}")
    assert response.status == 403
    assert "没有这家门店的权限" in await page.inner_text("main")
    assert "菜里有头发" not in await page.content()
    posted = await page.request.post(
        f"{live.daemon.desk.web_base}/reviews/{review}/action",
        form={"action": "ignore", "csrf": await _csrf(page)},
    )
    assert posted.status == 403
    # a POST without the session's CSRF token is refused before anything runs
    forged = await page.request.post(
        f"{live.daemon.desk.web_base}/reviews/{review}/action", form={"action": "ignore"}
    )
    assert forged.status == 403
    async with live.daemon.sessions() as session:
        status = await session.scalar(select(Review.status).where(Review.id == review))
        refusals = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.actor == f"telegram:{OTHER_STORE}",
                    AuditEntry.action == "chat.refused",
                )
            )
        ).all()
    assert status == "open"
    assert len(refusals) >= 3
    await page.context.close()


async def test_review_text_is_shown_as_text(browser: Any, live: Running) -> None:
    review = await arrives(live, HOSTILE_WIRE, 1)
    async with live.daemon.sessions() as session:
        assert await session.scalar(select(Review.text).where(Review.id == review)) == HOSTILE
    page = await signed_in(browser, live, OWNER)
    await page.goto(f"{live.daemon.desk.web_base}/reviews/{review}")
    assert await page.inner_text("#review-text") == HOSTILE
    assert await page.evaluate("window.__pwned === undefined")
    assert await page.locator("#review-text img, #review-text script").count() == 0
    await page.goto(f"{live.daemon.desk.web_base}/")
    assert await page.evaluate("window.__pwned === undefined")
    await page.context.close()


async def test_links_work_once_and_sessions_can_be_revoked(browser: Any, live: Running) -> None:
    answer = await live.ask(STAFF, STAFF, "/web")
    link = answer.split("\n")[-1]
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(link)
    await page.click("#enter")
    cookie = next(c for c in await context.cookies() if c["name"] == "rb_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    other = await browser.new_context()
    again = await other.new_page()
    await again.goto(link)
    await again.click("#enter")
    assert "已使用过或已过期" in await again.inner_text("main")
    assert "已注销" in await live.ask(STAFF, STAFF, "/web revoke")
    response = await page.goto(f"{live.daemon.desk.web_base}/")
    assert response.status == 401  # revoked: signed out
    await other.close()
    await context.close()


async def test_a_call_and_what_was_agreed_show_on_the_customer_record(
    browser: Any, live: Running
) -> None:
    review = await arrives(live, "外卖送错了，打电话也没人理", 1)
    page = await signed_in(browser, live, STAFF, PHONE)
    await page.goto(f"{live.daemon.desk.web_base}/reviews/{review}")
    assert await page.locator("#case-line").count() == 0  # no case yet
    await page.click("#customer-link")
    assert "联系结果" not in await page.inner_text("#case-facts")
    assert await page.locator("#agreement-apology_only").count() == 0  # not reached yet

    await page.click("#outcome-no_answer")
    assert await page.inner_text("#outcome") == "已记录：没接。"
    await page.click("#outcome-reached")
    facts = await page.inner_text("#case-facts")
    assert "接通了（第 2 次联系）" in facts and "小张" in facts
    await page.fill("#note", "送一张二十元代金券")
    await page.click("#agreement-remedy_offered")
    assert await page.inner_text("#outcome") == "已记录：给了补偿。"
    facts = await page.inner_text("#case-facts")
    assert "给了补偿：送一张二十元代金券" in facts
    trail = await page.inner_text("#customer-trail")
    for said in ("记录联系结果", "没接", "接通了", "记录私下商定", "给了补偿"):
        assert said in trail, said

    # the review's page tells the case in a line and links back to it
    await page.goto(f"{live.daemon.desk.web_base}/reviews/{review}")
    assert "接通了 · 给了补偿" in await page.inner_text("#case-line")
    trail = await page.inner_text(".trail")  # the review's audit trail says it too
    assert "记录私下商定" in trail and "给了补偿：送一张二十元代金券" in trail
    async with live.daemon.sessions() as session:
        recorded = (
            await session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.review_id == review, AuditEntry.action.in_(CASE_ACTIONS))
                .order_by(AuditEntry.id)
            )
        ).all()
        actors = set(
            (
                await session.scalars(
                    select(AuditEntry.actor).where(
                        AuditEntry.review_id == review, AuditEntry.action.in_(CASE_ACTIONS)
                    )
                )
            ).all()
        )
    assert recorded == ["case.outcome", "case.outcome", "case.agreement"]
    assert actors == {f"telegram:{STAFF}"}
    await page.context.close()


async def test_screenshots(browser: Any, live: Running, tmp_path: Path) -> None:
    """The queue, a review, a customer and the dashboard at phone and desktop size: no
    page is wider than a phone. With REVIEWBOT_SCREENSHOTS set, saved there (docs/)."""
    out = Path(os.environ.get("REVIEWBOT_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (once, before the browser)
    regular = {"nickname": "爱吃辣的小王", "anonymous": False}
    await arrives(live, "上次点的宫保鸡丁很好吃，五星！", 5, **regular)
    live.clock.advance(hours=20)
    for text, stars in (
        ("吃完肚子疼了一晚上，怀疑食材不新鲜", 1),
        ("不给我退款我就天天来刷差评，让你们店开不下去", 1),
        ("汤洒了一半，包装太差", 2),
    ):
        await arrives(live, text, stars)
    review = await arrives(
        live, "这次的宫保鸡丁太咸了，米饭也是凉的，配送慢了四十分钟", 2, **regular
    )
    page = await signed_in(browser, live, OWNER)
    await page.goto(f"{live.daemon.desk.web_base}/reviews/{review}")
    await page.click("#contacted")
    assert "已联系顾客" in await page.inner_text("#outcome")
    await page.click("#customer-link")
    await page.click("#outcome-reached")
    await page.fill("#note", "下次到店送一份甜品")
    await page.click("#agreement-remedy_offered")
    await page.click("#follow-up-7")
    assert "⏰" in await page.inner_text("#follow-up")
    await page.context.close()
    async with live.daemon.sessions() as session:
        author = await session.scalar(select(Review.author).where(Review.id == review))
    pages = {
        "queue": "/",
        "review": f"/reviews/{review}",
        "customer": f"/reviews/{review}/customer",
        "dashboard": "/stores/store-1?period=week",
    }
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = await signed_in(browser, live, OWNER, viewport)
        for name, path in pages.items():
            await page.goto(f"{live.daemon.desk.web_base}{path}")
            if name == "dashboard":
                await page.wait_for_function("document.querySelector('img.chart').complete")
            if name == "customer":  # both reviews, and why the earlier one is theirs
                listed = await page.inner_text(".history")
                assert "关联：同一平台同一昵称" in listed and "上次点的宫保鸡丁" in listed
            wide = await page.evaluate("document.documentElement.scrollWidth")
            assert wide <= viewport["width"], f"{name} is {wide}px wide at {size}"
            await page.screenshot(path=str(out / f"{name}-{size}.png"), full_page=True)
        await page.context.close()
    assert author is not None


async def _csrf(page: Any) -> str:
    return await page.get_attribute('meta[name="csrf-token"]', "content")
