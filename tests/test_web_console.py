"""The web console's sign-in and its links from chat, through the real bot (fake Telegram
server) and the real aiohttp server, with a plain HTTP client: the one-time link, the
cookie's flags, expiry and revocation, roles and CSRF on the server, and the card's button
to the review's page. (The pages in a real browser: test_web_browser.py.)"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import select

from reviewbot.store.schema import AuditEntry, CustomerCase, Review
from tests.fakes.telegram import TOKEN
from tests.harness.daemon import Running, review_number, start_daemon
from tests.harness.telegram import OTHER_STORE, OWNER, STAFF, STAFF_CHAT, telegram_settings

pytestmark = pytest.mark.one_database  # SQLite only: tests/conftest.py says why

PUBLIC = "https://reviews.example.cn"


@pytest.fixture
async def console(database_url, demo, telegram, clock, monkeypatch) -> AsyncIterator[Running]:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    settings["web"] = {"enabled": True, "listen_port": 0, "public_url": PUBLIC}
    running = await start_daemon(settings, telegram, demo, clock)
    try:
        yield running
    finally:
        await running.daemon.stop()
        await running.daemon.close()


def local(running: Running, link: str) -> str:
    """The public link, as reached on the address the console listens on."""
    assert running.daemon.web is not None
    return link.replace(PUBLIC, running.daemon.web.local_url)


async def link_for(running: Running, user: int) -> str:
    answer = await running.ask(user, user, "/web")
    found = re.search(r"https://\S+/signin\?t=\S+", answer)
    assert found, answer
    return local(running, found.group(0))


async def sign_in(http: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    token = link.split("t=", 1)[1]
    base = link.split("/signin", 1)[0]
    async with http.get(link) as page:  # a link preview: the token is not spent
        assert page.status == 200 and token in await page.text()
    return await http.post(f"{base}/signin", data={"t": token}, allow_redirects=False)


async def session_of(running: Running, user: int) -> aiohttp.ClientSession:
    """A client holding `user`'s session cookie (sent by hand: the cookie is Secure, and
    the test speaks plain HTTP to the console's local address)."""
    async with aiohttp.ClientSession() as http:
        response = await sign_in(http, await link_for(running, user))
        value = response.cookies["rb_session"].value
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.DummyCookieJar(), headers={"Cookie": f"rb_session={value}"}
    )


async def test_a_link_signs_in_once_with_a_secure_cookie(console: Running) -> None:
    answer = await console.ask(STAFF, STAFF_CHAT, "/web")
    assert "私聊" in answer and "signin" not in answer  # never a link in a group
    link = await link_for(console, STAFF)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        response = await sign_in(http, link)
        assert response.status == 303
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
        again = await sign_in(http, link)
        assert again.status == 403 and "已使用过或已过期" in await again.text()
    async with console.daemon.sessions() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert "web.link_issued" in actions and "web.signed_in" in actions


async def test_a_link_expires_within_minutes(console: Running) -> None:
    link = await link_for(console, STAFF)
    console.clock.advance(minutes=11)
    async with aiohttp.ClientSession() as http:
        assert (await sign_in(http, link)).status == 403


async def test_roles_csrf_and_revocation_on_the_server(console: Running) -> None:
    card = await console.review_arrives()
    review = review_number(card)
    # the card carries a button to the review's page on the console
    buttons = [b for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert {"text": "🖥 在网页处理", "url": f"{PUBLIC}/reviews/{review}"} in buttons
    base = console.daemon.web.local_url
    async with await session_of(console, STAFF) as http:
        page = await (await http.get(f"{base}/reviews/{review}")).text()
        csrf = re.search(r'name="csrf-token" content="(\w+)"', page).group(1)
        # staff may not start an appeal (a manager's decision): refused and audited
        marked = await http.post(
            f"{base}/reviews/{review}/action", data={"action": "malicious", "csrf": csrf}
        )
        assert "店长或以上权限" in await marked.text()
        forged = await http.post(f"{base}/reviews/{review}/action", data={"action": "ignore"})
        assert forged.status == 403
        elsewhere = await http.post(
            f"{base}/reviews/{review}/action",
            data={"action": "ignore", "csrf": csrf},
            headers={"Origin": "https://evil.example"},
        )
        assert elsewhere.status == 403  # another site's page, even with the token
        assert (await http.get(f"{base}/chain")).status == 403  # the owner's page
        dashboard = await http.get(f"{base}/stores/store-1?period=day")
        assert dashboard.status == 200 and "平台账号" in await dashboard.text()
        assert (await http.get(f"{base}/stores/store-2")).status == 403
        check = await http.post(
            f"{base}/api/reviews/{review}/check",
            json={"text": "请加我微信 abc12345"},
            headers={"X-CSRF-Token": csrf},
        )
        assert (await check.json())["ok"] is False
        # another store's person cannot read it, even with a session of their own
        async with await session_of(console, OTHER_STORE) as other:
            assert (await other.get(f"{base}/reviews/{review}")).status == 403
            async with await session_of(console, OWNER) as owner:
                chain = await (await owner.get(f"{base}/chain")).text()
                assert "测试小馆" in chain and "别的店" in chain
                listed = await (await owner.get(f"{base}/sessions")).text()
                assert "小张" in listed and "别店的人" in listed
            # the owner ends every session in their stores, this one too
            assert "已注销" in await console.ask(OWNER, OWNER, "/web revoke")
            assert (await other.get(f"{base}/")).status == 401
        assert (await http.get(f"{base}/")).status == 401
    async with console.daemon.sessions() as session:
        status = await session.scalar(select(Review.status).where(Review.id == review))
        refused = (
            await session.scalars(
                select(AuditEntry.details).where(AuditEntry.action == "chat.refused")
            )
        ).all()
    assert status == "open"
    assert any(d.get("attempted") == "malicious" for d in refused)


async def test_staff_clear_a_malicious_flag_on_the_review_page(console: Running) -> None:
    """The page offers 「不是恶意」 on a flagged review; posted, the page and the queue's
    疑似恶意 filter no longer show the flag, and a second post says who cleared it."""
    card = await console.review_arrives("加微信xx123领优惠券，代刷好评", 1)
    review = review_number(card)
    base = console.daemon.web.local_url
    async with await session_of(console, STAFF) as http:
        page = await (await http.get(f"{base}/reviews/{review}")).text()
        assert "疑似恶意" in page and 'id="not-malicious"' in page
        assert f'href="/reviews/{review}"' in await (await http.get(f"{base}/?malicious=1")).text()
        csrf = re.search(r'name="csrf-token" content="(\w+)"', page).group(1)
        done = await http.post(
            f"{base}/reviews/{review}/action", data={"action": "not_malicious", "csrf": csrf}
        )
        assert "已确认不是恶意" in await done.text()
        page = await (await http.get(f"{base}/reviews/{review}")).text()
        assert "疑似恶意" not in page and 'id="not-malicious"' not in page
        assert "确认不是恶意" in page and 'id="approve"' in page  # staff may post it now
        queue = await (await http.get(f"{base}/?malicious=1")).text()
        assert f'href="/reviews/{review}"' not in queue
        again = await http.post(
            f"{base}/reviews/{review}/action", data={"action": "not_malicious", "csrf": csrf}
        )
        assert "已于" in await again.text() and "确认这条评价不是恶意" in await again.text()


async def test_case_forms_refuse_another_stores_staff_and_remind_in_chat(
    console: Running,
) -> None:
    card = await console.review_arrives()
    review = review_number(card)
    base = console.daemon.web.local_url
    attempts = [
        {"what": "outcome", "value": "reached"},
        {"what": "agreement", "value": "apology_only"},
        {"what": "follow_up", "value": "3"},
        {"what": "follow_up", "value": "2030-01-01"},
    ]
    async with await session_of(console, OTHER_STORE) as other:
        assert (await other.get(f"{base}/reviews/{review}/customer")).status == 403
        page = await (await other.get(f"{base}/")).text()
        csrf = re.search(r'name="csrf-token" content="(\w+)"', page).group(1)
        for form in attempts:
            refused = await other.post(f"{base}/reviews/{review}/case", data={**form, "csrf": csrf})
            assert refused.status == 403, form
            assert "没有这家门店的权限" in await refused.text()
    async with console.daemon.sessions() as session:
        case = await session.scalar(select(CustomerCase).where(CustomerCase.review_id == review))
        # (the complaint opened its case on arrival; nothing was recorded on it)
        assert case is None or (case.outcome, case.agreement, case.follow_up_at) == (None,) * 3
        refusals = (
            await session.scalars(
                select(AuditEntry.details).where(
                    AuditEntry.action == "chat.refused",
                    AuditEntry.actor == f"telegram:{OTHER_STORE}",
                    AuditEntry.review_id == review,
                )
            )
        ).all()
    assert len(refusals) == 1 + len(attempts)

    # the store's own staff may, and the follow-up set on the page reminds the chat
    async with await session_of(console, STAFF) as http:
        page = await (await http.get(f"{base}/reviews/{review}/customer")).text()
        csrf = re.search(r'name="csrf-token" content="(\w+)"', page).group(1)
        bad = await http.post(
            f"{base}/reviews/{review}/case",
            data={"what": "follow_up", "value": "2020-01-01", "csrf": csrf},
        )
        assert "回访时间需要在以后" in await bad.text()
        done = await http.post(
            f"{base}/reviews/{review}/case",
            data={"what": "follow_up", "value": "3", "csrf": csrf},
        )
        assert done.status == 200 and "已设置回访提醒" in await done.text()

    def reminders() -> list[dict]:
        return [
            m for m in console.fake.in_chat(STAFF_CHAT) if "回访提醒：差评" in m.get("text", "")
        ]

    console.clock.advance(days=4)
    await console.daemon.drain()
    (reminder,) = reminders()
    assert f"#{review}" in reminder["text"]


async def test_web_says_when_the_console_is_off(bot: Running) -> None:
    assert "没有开启" in await bot.ask(STAFF, STAFF, "/web")


async def test_approve_posts_the_draft_shown_not_one_that_replaced_it(console: Running) -> None:
    """The page and the card each carry the draft they showed: after a colleague's 🔁, a
    ✅ pressed on what was shown before posts nothing and says the draft changed."""
    card = await console.review_arrives()
    review = review_number(card)
    base = console.daemon.web.local_url
    async with await session_of(console, STAFF) as http:
        page = await (await http.get(f"{base}/reviews/{review}")).text()
        csrf = re.search(r'name="csrf-token" content="(\w+)"', page).group(1)
        shown = re.search(r'name="draft_id" value="(\d+)"', page).group(1)
        before = console.fake.button(card, "a")  # the ✅ as the card showed it
        assert (await console.press(STAFF, card, "r"))["text"].startswith("已换一版")
        posted = await http.post(
            f"{base}/reviews/{review}/action",
            data={"action": "approve", "csrf": csrf, "draft_id": shown},
        )
        assert "草稿已更新，请看最新卡片" in await posted.text()
    pressed = console.fake.press(STAFF, card, before)
    answer = await console.fake.wait_for(lambda: console.fake.answer_to(pressed))
    assert answer["text"] == "草稿已更新，请看最新卡片。"
    async with console.daemon.sessions() as session:
        assert await session.scalar(select(Review.status).where(Review.id == review)) == "open"
    latest = await console.press(STAFF, console.card(card), "a")
    assert latest["text"] == "已通过，正在发布到平台。"


@pytest.mark.both_databases
async def test_a_call_result_sent_twice_from_the_page_records_one_call(console: Running) -> None:
    """A double click on a call's result (two POSTs of the same form) is one call: the
    second records nothing and says so; a form without the calls it saw (an old page)
    is told the same within a minute."""
    card = await console.review_arrives()
    review = review_number(card)
    base = console.daemon.web.local_url
    async with await session_of(console, STAFF) as http:
        page = await (await http.get(f"{base}/reviews/{review}/customer")).text()
        csrf = re.search(r'name="csrf-token" content="(\w+)"', page).group(1)
        seen = re.search(r'name="seen" value="(\d+)"', page).group(1)
        form = {"what": "outcome", "value": "no_answer", "seen": seen, "csrf": csrf}
        first = await (await http.post(f"{base}/reviews/{review}/case", data=form)).text()
        second = await (await http.post(f"{base}/reviews/{review}/case", data=form)).text()
        assert "已记录：没接" in first
        assert "没有重复记录" in second and "已记录：没接" not in second
        old = {"what": "outcome", "value": "no_answer", "csrf": csrf}
        third = await (await http.post(f"{base}/reviews/{review}/case", data=old)).text()
        assert "没有重复记录" in third
        # the page drawn after the call asks about the next one: it is recorded
        page = await (await http.get(f"{base}/reviews/{review}/customer")).text()
        seen = re.search(r'name="seen" value="(\d+)"', page).group(1)
        form = {"what": "outcome", "value": "reached", "seen": seen, "csrf": csrf}
        assert (
            "已记录：接通了"
            in await (await http.post(f"{base}/reviews/{review}/case", data=form)).text()
        )
    async with console.daemon.sessions() as session:
        case = await session.scalar(select(CustomerCase).where(CustomerCase.review_id == review))
    assert case is not None and (case.outcome, case.attempts) == ("reached", 2)
