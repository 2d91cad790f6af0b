"""Optional AI drafting: a model behind an OpenAI-compatible endpoint (the fake in
tests/fakes/model.py, reached by the real aiohttp client) writes the draft only when its
draft passes every check; anything else (a refund promised, a phone number, the wrong
script, a timeout, a 429, a broken body) keeps the template draft, and the card says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from reviewbot.analysis.base import ReviewText
from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.config import ConfigError
from reviewbot.replies.engine import Draft, TemplateDrafter
from reviewbot.replies.guardrails import ReplyLimits
from reviewbot.replies.model import Endpoint, ModelDrafter, fallback_note
from reviewbot.store.schema import Alert, AuditEntry, Review
from reviewbot.store.schema import Draft as DraftRow
from reviewbot.workflow.actions import Actor
from reviewbot.workflow.cards import CardRef, load_alert_view
from reviewbot.workflow.directory import Directory
from tests.conftest import make_settings
from tests.fakes.model import FakeModel, Step, error, reply
from tests.fakes.telegram import TOKEN, plain_text
from tests.harness.daemon import start_daemon
from tests.harness.telegram import MANAGER, STAFF, telegram_settings
from tests.replies_support import STORE

KEY = "sk-test-1f2e3d4c5b6a"
SALTY = "水煮鱼太咸了，而且送得太慢，等了一个多小时才到"
GOOD = (
    "非常抱歉，水煮鱼太咸、送餐又让您等了一个多小时，这是我们没做好。"
    "后厨已经按量具重新核对调味，高峰时段也调整了出餐顺序。欢迎私信我们详细沟通。\n测试小馆 店长"
)
REFUND = "非常抱歉让您久等，这单我们给您全额退款，下次来店里这顿我们请。\n测试小馆 店长"
TRADITIONAL = "水煮魚太鹹了，而且送得太慢，等了一個多小時才到"


@pytest.fixture(scope="module")
def templates() -> TemplateDrafter:
    return TemplateDrafter()


@pytest.fixture
async def fake() -> AsyncIterator[FakeModel]:
    server = FakeModel(key=KEY)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def drafter() -> AsyncIterator[ModelDrafter]:
    made = ModelDrafter()
    try:
        yield made
    finally:
        await made.close()


def endpoint(fake: FakeModel, **kw) -> Endpoint:
    values = {"timeout": 2.0, "requests_per_minute": 6000.0, **kw}
    return Endpoint(fake.base_url, "fake-chat", api_key=KEY, **values)


async def ask(
    drafter: ModelDrafter, analyzer, templates, fake, text=SALTY, *, limits=None, **kw
) -> tuple[Draft, Draft]:
    """(the template draft, what AI drafting made of it) for a review of `text`."""
    review = ReviewText("r1", text, 1.0)
    analysis = analyzer.analyze(review)
    template = templates.draft(review, analysis, STORE, limits=limits)
    made = await drafter.draft(
        template, review, analysis, STORE, endpoint(fake, **kw), limits=limits
    )
    return template, made


async def test_a_good_model_draft_is_used_and_says_so(drafter, analyzer, templates, fake):
    fake.then(reply(GOOD))
    template, made = await ask(drafter, analyzer, templates, fake)
    assert made.text == GOOD and made.text != template.text
    assert made.source == "model" and made.model == "fake-chat" and made.note == ""
    assert made.template_id == "ai:fake-chat" and made.violations == ()
    # one request, in the wire format, with the key as a bearer token
    (request,) = fake.requests
    assert request["authorization"] == f"Bearer {KEY}"
    body = request["body"]
    assert body["model"] == "fake-chat" and body["stream"] is False
    system, user = (m["content"] for m in body["messages"])
    assert "承担责任" in system and "权威证实" in system  # the 5S method, from the data file
    assert SALTY in user and "「水煮鱼太咸了」" in user  # the review and each complaint's words
    assert "店长电话 010-1234 5678" in user and "简体中文" in user and "500" in user


async def test_a_model_that_promises_a_refund_is_caught(drafter, analyzer, templates, fake):
    fake.then(reply(REFUND))
    template, made = await ask(drafter, analyzer, templates, fake)
    assert made.text == template.text and made.source == "templates"
    assert made.note == "AI 草稿含有补偿承诺，已改用模板草稿"


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("<p>非常抱歉，水煮鱼太咸了。</p>", "html"),
        ("非常抱歉水煮鱼太咸了，请加微信 abc12345 或致电 13912345678 联系我们。", "private_data"),
        ("非常抱歉水煮鱼太咸了，麻烦您把差评删掉，我们会改进。", "delete_request"),
        ("非常抱歉，都是骑手送得慢的问题，不是我们的原因。", "blame"),
        ("非常抱歉，水煮鱼太咸了。" * 60, "too_long"),
        ("We are so sorry the fish was too salty and late.", "language"),
        ("非常抱歉【店名】的水煮鱼太咸了，{signature}", "placeholder"),
        ("非常抱歉水煮鱼太咸了，详情请看 https://example.com/sorry", "contact"),
        ("", "empty"),
    ],
)
async def test_hostile_model_output_falls_back(drafter, analyzer, templates, fake, output, reason):
    fake.then(reply(output))
    template, made = await ask(drafter, analyzer, templates, fake)
    assert made.text == template.text and made.source == "templates"
    assert made.note == fallback_note(reason)


async def test_a_traditional_review_needs_a_traditional_draft(drafter, analyzer, templates, fake):
    simplified = "非常抱歉，水煮鱼太咸了，送餐也让您等了一个多小时，我们会改进出餐流程。"
    traditional = "非常抱歉，水煮魚太鹹了，送餐也讓您等了一個多小時，我們會改進出餐流程。"
    fake.then(reply(simplified), reply(traditional))
    template, made = await ask(drafter, analyzer, templates, fake, TRADITIONAL)
    assert made.text == template.text and made.note == fallback_note("language")
    assert "繁体" in fake.requests[0]["body"]["messages"][1]["content"]
    _, made = await ask(drafter, analyzer, templates, fake, TRADITIONAL)
    assert made.text == traditional and made.source == "model"


async def test_the_platform_length_limit_is_the_models_too(drafter, analyzer, templates, fake):
    fake.then(reply(GOOD))
    _, made = await ask(drafter, analyzer, templates, fake, limits=ReplyLimits(max_chars=40))
    assert made.source == "templates" and made.note == fallback_note("too_long")
    assert "40" in fake.requests[0]["body"]["messages"][1]["content"]


async def test_a_draft_too_like_the_stores_recent_replies_falls_back(
    drafter, analyzer, templates, fake
):
    fake.then(reply(GOOD))
    review = ReviewText("r1", SALTY, 1.0)
    analysis = analyzer.analyze(review)
    template = templates.draft(review, analysis, STORE)
    made = await drafter.draft(
        template, review, analysis, STORE, endpoint(fake), recent=[GOOD.replace("非常", "十分")]
    )
    assert made.text == template.text and made.note == fallback_note("similar")


@pytest.mark.parametrize(
    ("steps", "reason"),
    [
        ([reply(GOOD, delay=1.5)], "timeout"),
        ([error(500, "internal error")], "http_error"),
        ([error(503, "overloaded")], "http_error"),
        ([error(429, "slow down", headers={"Retry-After": "30"})], "rate_limited"),
        ([error(429, "slow down")], "rate_limited"),  # no Retry-After: not retried
        (
            [
                error(429, "a", headers={"Retry-After": "0"}),
                error(429, "b", headers={"Retry-After": "0"}),
            ],
            "rate_limited",  # Retry-After is respected once
        ),
        ([Step(raw=b'{"choices": [{"message": ')], "malformed"),
        ([Step(raw=b"<html>502 Bad Gateway</html>")], "malformed"),
        ([Step(raw=b'{"choices": [{"message": {"content": 42}}]}')], "malformed"),
        ([Step(choices=False)], "empty"),
        ([reply(GOOD, finish_reason="length")], "too_long"),
    ],
)
async def test_a_failing_endpoint_gives_the_template_draft(
    drafter, analyzer, templates, fake, steps, reason
):
    fake.then(*steps)
    template, made = await ask(drafter, analyzer, templates, fake, timeout=0.5)
    assert made.text == template.text and made.source == "templates"
    assert made.note == fallback_note(reason)


async def test_a_short_retry_after_is_waited_out_once(drafter, analyzer, templates, fake):
    fake.then(error(429, "slow down", headers={"Retry-After": "0.2"}), reply(GOOD))
    _, made = await ask(drafter, analyzer, templates, fake)
    assert made.source == "model" and len(fake.requests) == 2


async def test_a_wrong_key_is_refused_and_never_logged(
    drafter, analyzer, templates, fake, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("REVIEWBOT_TEST_MODEL_KEY", "sk-wrong-9a8b7c6d")
    settings = make_settings(
        "sqlite+aiosqlite:///unused.db",
        drafting={
            "mode": "model",
            "base_url": fake.base_url,
            "model": "fake-chat",
            "api_key_env": "REVIEWBOT_TEST_MODEL_KEY",
        },
    )
    found = Directory(settings).drafting("store-1")
    assert found is not None and found.api_key == "sk-wrong-9a8b7c6d"  # from the environment
    assert "sk-wrong" not in repr(found)
    review = ReviewText("r1", SALTY, 1.0)
    analysis = analyzer.analyze(review)
    template = templates.draft(review, analysis, STORE)
    made = await drafter.draft(template, review, analysis, STORE, found)
    assert fake.requests[0]["authorization"] == "Bearer sk-wrong-9a8b7c6d"
    assert made.note == fallback_note("refused")
    assert "sk-wrong-9a8b7c6d" not in caplog.text and "refused" in caplog.text


async def test_an_unset_key_is_said_without_asking(drafter, analyzer, templates, fake, monkeypatch):
    monkeypatch.delenv("REVIEWBOT_TEST_MODEL_KEY", raising=False)
    settings = make_settings(
        "sqlite+aiosqlite:///unused.db",
        drafting={
            "mode": "model",
            "base_url": fake.base_url,
            "model": "fake-chat",
            "api_key_env": "REVIEWBOT_TEST_MODEL_KEY",
        },
    )
    found = Directory(settings).drafting("store-1")
    assert found is not None and found.key_missing
    review = ReviewText("r1", SALTY, 1.0)
    analysis = analyzer.analyze(review)
    made = await drafter.draft(
        templates.draft(review, analysis, STORE), review, analysis, STORE, found
    )
    assert made.note == fallback_note("no_key") and fake.requests == []


def test_the_examples_in_config_example_load():
    """The DeepSeek, Qwen and Ollama set-ups of config.example.toml, uncommented in turn."""
    text = (Path(__file__).resolve().parents[1] / "config.example.toml").read_text("utf-8")
    section = text[text.index("[drafting]") : text.index("[telegram]")]
    examples = re.findall(
        r'# base_url = "([^"]+)"\n# model = "([^"]+)"\n(?:# api_key_env = "([^"]+)")?', section
    )
    assert [m for _, m, _ in examples] == ["deepseek-chat", "qwen-plus", "qwen2.5:7b"]
    for base_url, model, key in examples:
        drafting = {"mode": "model", "base_url": base_url, "model": model}
        settings = make_settings(
            "sqlite+aiosqlite:///unused.db",
            drafting=drafting | ({"api_key_env": key} if key else {}),
        )
        found = Directory(settings).drafting("store-1")
        assert found is not None and found.model == model and found.key_missing == bool(key)


def test_drafting_config_is_off_by_default_and_per_store():
    settings = make_settings("sqlite+aiosqlite:///unused.db")
    assert settings.drafting.mode == "templates" and Directory(settings).drafting("store-1") is None
    on = make_settings(
        "sqlite+aiosqlite:///unused.db",
        drafting={"base_url": "http://127.0.0.1:9/v1/", "model": "qwen-plus"},
        stores=[
            {"id": "store-1", "name": "一号店", "drafting": {"mode": "model", "temperature": 0.2}},
            {"id": "store-2", "name": "二号店"},
        ],
    )
    directory = Directory(on)
    first = directory.drafting("store-1")
    assert first is not None and first.base_url == "http://127.0.0.1:9/v1"
    assert first.temperature == 0.2 and first.model == "qwen-plus" and first.api_key is None
    assert directory.drafting("store-2") is None
    with pytest.raises(ConfigError, match="at most half the speed window"):
        make_settings(
            "sqlite+aiosqlite:///unused.db",
            drafting={"mode": "model", "base_url": "http://127.0.0.1:9", "model": "m"},
            speed_window={"alert_minutes": 0.2},
        )
    with pytest.raises(ConfigError, match="needs base_url and model"):
        make_settings("sqlite+aiosqlite:///unused.db", drafting={"mode": "model"})
    with pytest.raises(ConfigError, match="store-1"):
        make_settings(
            "sqlite+aiosqlite:///unused.db",
            stores=[{"id": "store-1", "name": "一号店", "drafting": {"mode": "model"}}],
        )


# -- through the daemon ----------------------------------------------------------------------


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite file: the paths that do not touch the database's own code run on
    one database only (the ones that do run on both, through `database_url`)."""
    path = tmp_path / "reviewbot.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


def daemon_settings(database_url: str, demo, fake: FakeModel | None, **drafting):
    section = (
        {
            "mode": "model",
            "base_url": fake.base_url,
            "model": "fake-chat",
            "api_key_env": "REVIEWBOT_TEST_MODEL_KEY",
            **drafting,
        }
        if fake is not None
        else drafting
    )
    return make_settings(database_url, demo_url=demo.base_url, drafting=section)


async def run_daemon(settings, demo, clock, monkeypatch, texts) -> tuple[str, list[dict]]:
    """The daemon polls the demo platform once and handles what it found: the console's
    output and, per review, its draft, audit entry and card."""
    monkeypatch.setenv("REVIEWBOT_TEST_MODEL_KEY", KEY)
    out = io.StringIO()
    daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(out, color=False))
    await daemon.start(schedule=False)
    found = []
    try:
        for text in texts:
            demo.platform.add_review("shop-1", text, 1, anonymous=False)
        clock.advance(minutes=5)
        await daemon.poll_all_once()
        await daemon.drain()
        async with daemon.sessions() as session:
            for review in (await session.scalars(select(Review).order_by(Review.id))).all():
                draft = await session.scalar(
                    select(DraftRow).where(DraftRow.review_id == review.id)
                )
                entry = await session.scalar(
                    select(AuditEntry).where(
                        AuditEntry.review_id == review.id, AuditEntry.action == "draft.created"
                    )
                )
                alert = await session.scalar(select(Alert).where(Alert.review_id == review.id))
                view = await load_alert_view(session, alert.id, daemon.directory)
                found.append(
                    {"review": review, "draft": draft, "audit": entry.details, "view": view}
                )
    finally:
        await daemon.stop()
        await daemon.close()
    return out.getvalue(), found


async def test_the_daemon_alerts_with_the_model_draft_and_its_source(
    database_url, demo, clock, fake, monkeypatch
):
    fake.then(reply(GOOD), reply(REFUND))
    settings = daemon_settings(database_url, demo, fake)
    printed, found = await run_daemon(
        settings, demo, clock, monkeypatch, [SALTY, "服务员态度太差了，叫了三次都没人理"]
    )
    assert len(fake.requests) == 2
    by_text = {f["draft"].text: f for f in found}
    good = by_text[GOOD]
    assert good["draft"].template_id == "ai:fake-chat"
    assert good["audit"]["source"] == "model" and good["audit"]["model"] == "fake-chat"
    assert good["view"].draft_source == "model"
    (other,) = (f for f in found if f is not good)
    assert other["draft"].template_id != "ai:fake-chat" and "退款" not in other["draft"].text
    assert other["audit"]["source"] == "templates"
    assert other["view"].draft_note == "AI 草稿含有补偿承诺，已改用模板草稿"
    assert "AI 草稿（fake-chat）" in printed and "AI 草稿含有补偿承诺，已改用模板草稿" in printed
    assert KEY not in printed


async def test_a_dead_endpoint_never_holds_up_the_alert(sqlite_url, demo, clock, fake, monkeypatch):
    fake.then(reply(GOOD, delay=3.0))
    settings = daemon_settings(sqlite_url, demo, fake, timeout_seconds=0.5)
    printed, (found,) = await run_daemon(settings, demo, clock, monkeypatch, [SALTY])
    assert found["draft"].template_id != "ai:fake-chat"
    assert found["draft"].text.splitlines()[0] in printed  # the alert went, with it
    assert found["view"].draft_note == fallback_note("timeout")
    assert found["review"].needs_processing is False


async def test_off_by_default_no_request_is_made(sqlite_url, demo, clock, fake, monkeypatch):
    printed, (found,) = await run_daemon(
        daemon_settings(sqlite_url, demo, None), demo, clock, monkeypatch, [SALTY]
    )
    assert fake.requests == [] and found["audit"]["source"] == "templates"
    assert found["view"].draft_source == "templates" and found["view"].draft_note == ""
    assert "AI" not in printed


async def test_through_telegram_the_card_says_why_and_another_draft_asks_again(
    database_url, demo, telegram, clock, fake, monkeypatch
):
    """The card of a review whose AI draft promised a refund shows the template draft and
    the reason; 🔁 asks the model again and the card then shows its draft as an AI draft."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("REVIEWBOT_TEST_MODEL_KEY", KEY)
    fake.then(reply(REFUND), reply(GOOD))
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    settings["drafting"] = {
        "mode": "model",
        "base_url": fake.base_url,
        "model": "fake-chat",
        "api_key_env": "REVIEWBOT_TEST_MODEL_KEY",
    }
    bot = await start_daemon(settings, telegram, demo, clock)
    try:
        card = await bot.review_arrives(SALTY)
        assert "AI 草稿含有补偿承诺，已改用模板草稿" in card["text"] and "退款" not in card["text"]
        answer = await bot.press(STAFF, card, "r")
        assert answer["text"] == "已换一版 AI 草稿。"
        redrawn = plain_text(bot.card(card)["text"], "HTML")
        assert "非常抱歉，水煮鱼太咸" in redrawn and "AI 草稿（fake-chat）" in redrawn
        assert "已改用模板草稿" not in redrawn and len(fake.requests) == 2
        async with bot.daemon.sessions() as session:
            entry = await session.scalar(
                select(AuditEntry).where(AuditEntry.action == "draft.regenerated")
            )
            current = await session.scalar(select(DraftRow).where(DraftRow.status == "proposed"))
        assert entry.details["source"] == "model" and entry.details["after"] == GOOD
        assert current.text == GOOD and current.template_id == "ai:fake-chat"
        # While the model writes another, the bot answers a colleague's ✅ at once.
        answer = asyncio.Event()
        fake.then(reply(ANOTHER, until=answer))
        again = bot.fake.press(STAFF, card, bot.fake.button(card, "r"))
        await fake.waiting.wait()
        approved = await bot.press(MANAGER, bot.card(card), "a")
        assert approved["text"] == "已通过，正在发布到平台。" and bot.fake.answer_to(again) is None
        answer.set()
        late = await bot.fake.wait_for(lambda: bot.fake.answer_to(again))
        assert late["text"].endswith("新草稿没有使用。") and late["show_alert"]
    finally:
        await bot.daemon.stop()
        await bot.daemon.close()


# -- 🔁 while the model writes: no lock is held -----------------------------------------------

ANOTHER = (
    "抱歉让您等了一个多小时，水煮鱼也确实偏咸，是我们的问题。后厨已经重新核对了盐量，"
    "高峰时段的出餐也在加快。期待您再给我们一次机会。\n测试小馆 店长"
)
EDITED = "非常抱歉让您久等了，水煮鱼的咸淡我们马上调整。\n测试小馆 店长"
XIAOZHANG = Actor("staff-1", "小张", {"store-1": "staff"})
XIAOLI = Actor("staff-2", "小李", {"store-1": "staff"})


@contextlib.asynccontextmanager
async def card_with_ai_draft(
    database_url, demo, clock, fake, monkeypatch, analyzer, templates
) -> AsyncIterator[tuple[Daemon, CardRef]]:
    """A daemon whose pipeline drafted a review's reply with the model (GOOD), and the
    review's card, for the desk's buttons. The endpoint's timeout is short only so that
    a regression (the model asked under the review's lock) fails quickly."""
    monkeypatch.setenv("REVIEWBOT_TEST_MODEL_KEY", KEY)
    fake.then(reply(GOOD))
    settings = daemon_settings(database_url, demo, fake, timeout_seconds=3.0)
    out = ConsoleNotifier(io.StringIO(), color=False)
    daemon = Daemon(settings, clock=clock, notifier=out, analyzer=analyzer, drafter=templates)
    await daemon.start(schedule=False)
    try:
        demo.platform.add_review("shop-1", SALTY, 1, anonymous=False)
        clock.advance(minutes=5)
        await daemon.poll_all_once()
        await daemon.drain()
        async with daemon.sessions() as session:
            alert = await session.scalar(select(Alert))
        yield daemon, CardRef(alert.id, alert.store_id, alert.review_id, alert.token)
    finally:
        await daemon.stop()
        await daemon.close()


async def drafts_and_discards(daemon: Daemon) -> tuple[dict[str, str], list[dict]]:
    async with daemon.sessions() as session:
        drafts = (await session.execute(select(DraftRow.text, DraftRow.status))).all()
        discarded = (
            await session.scalars(
                select(AuditEntry.details)
                .where(AuditEntry.action == "draft.regenerate_discarded")
                .order_by(AuditEntry.id)
            )
        ).all()
    return dict(drafts), list(discarded)


async def test_while_the_model_writes_colleagues_act_and_its_late_draft_is_dropped(
    database_url, demo, clock, fake, monkeypatch, analyzer, templates
):
    """🔁 asks the model with no transaction open: a colleague's 🔁, edit or approve
    meanwhile is recorded at once, not after the model answers; the late draft is then
    not used, and its presser is told why."""
    running = card_with_ai_draft(database_url, demo, clock, fake, monkeypatch, analyzer, templates)
    async with running as (daemon, card):
        answer = asyncio.Event()
        fake.then(reply(ANOTHER, until=answer))
        slow = asyncio.create_task(daemon.desk.act("regenerate", card, XIAOZHANG))
        await fake.waiting.wait()  # the model is writing
        # The model answers nothing this time: 小李's 🔁 gets a template variant at once.
        fast = await daemon.desk.act("regenerate", card, XIAOLI)
        assert fast.ok and not slow.done()  # it did not wait for the model
        answer.set()
        late = await slow
        assert not late.ok and late.code == "stale"
        assert late.message.startswith("在新草稿生成期间，一位同事 已把草稿换成了新的版本")
        drafts, discarded = await drafts_and_discards(daemon)
        assert drafts[GOOD] == "superseded" and ANOTHER not in drafts
        ((shown, _),) = ((t, s) for t, s in drafts.items() if s == "proposed")
        assert [d["reason"] for d in discarded] == ["replaced"]

        answer, fake.waiting = asyncio.Event(), asyncio.Event()
        fake.then(reply(ANOTHER, until=answer))
        slow = asyncio.create_task(daemon.desk.act("regenerate", card, XIAOZHANG))
        await fake.waiting.wait()
        await daemon.desk.edits.begin(card, XIAOLI, 1, 2, 1)  # 小李 edits meanwhile
        held = await daemon.desk.edits.text(XIAOLI, 1, 2, EDITED)
        assert held.draft_id is not None and not slow.done()
        answer.set()
        late = await slow
        assert not late.ok and late.code == "editing"
        assert late.message.startswith("在新草稿生成期间，一位同事 开始修改这条评价的回复")
        assert (await daemon.desk.edits.cancel(1, 2)).ok

        answer, fake.waiting = asyncio.Event(), asyncio.Event()
        fake.then(reply(ANOTHER, until=answer))
        slow = asyncio.create_task(daemon.desk.act("regenerate", card, XIAOZHANG))
        await fake.waiting.wait()
        approved = await daemon.desk.act("approve", card, XIAOLI)
        assert approved.ok and approved.message == "已通过，正在发布到平台。"
        assert not slow.done()
        answer.set()
        late = await slow
        assert not late.ok and late.code == "handled"
        assert late.message.startswith("在新草稿生成期间，这条评价已由 小李 于 ")
        assert late.message.endswith("处理（通过回复），新草稿没有使用。")
        drafts, discarded = await drafts_and_discards(daemon)
        assert drafts[shown] in ("approved", "posted") and ANOTHER not in drafts  # 小李's
        assert discarded[-1]["reason"] == "handled" and discarded[-1]["after"] == ANOTHER
        assert [d["reason"] for d in discarded] == ["replaced", "editing", "handled"]
        assert discarded[-1]["source"] == "model" and len(fake.requests) == 5


async def test_a_failing_endpoint_is_logged_when_it_starts_and_stops_failing(
    drafter, analyzer, templates, fake, caplog
):
    caplog.set_level(logging.INFO, logger="reviewbot.replies.model")
    fake.then(error(500), error(502), error(503), reply(GOOD))
    made = [(await ask(drafter, analyzer, templates, fake))[1] for _ in range(4)]
    assert [m.source for m in made] == ["templates"] * 3 + ["model"]
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert len([m for m in said if "started failing" in m]) == 1
    assert said[-1] == "AI drafting with fake-chat answers again"
