"""Staff's verdicts on the malice reading: 「不是恶意」 clears the analyzer's flag (the
review is read as an ordinary complaint from then on: who may post, the card, the
customer case, the next draft), starting an appeal confirms one, and each verdict is a row
the malice reader can learn from (`reviewbot verdicts export`, training's --extra).
Real rows in SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from reviewbot.analysis import malice_training as mt
from reviewbot.analysis.evaluation import row_labels
from reviewbot.analysis.malice_data import Row, all_rows
from reviewbot.app.cli import main as cli_main
from reviewbot.replies.engine import StoreProfile
from reviewbot.store import db, verdicts
from reviewbot.store.alerts import create_alert
from reviewbot.store.schema import (
    Analysis,
    AuditEntry,
    CustomerCase,
    Draft,
    MaliceVerdict,
    Review,
    Source,
    Store,
    Task,
)
from reviewbot.workflow import actions
from reviewbot.workflow.actions import Actor, NotAllowed
from reviewbot.workflow.cards import load_alert_view

NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)
STAFF = Actor("telegram:5", "小王", {"a": "staff"})
MANAGER = Actor("telegram:6", "老李", {"a": "manager"})
PROFILE = StoreProfile(name="A店")
# An angry but honest complaint the analyzer read as extortion (a false accusation).
TEXT = "等了一个小时才上菜，服务员还不理人，必须退款，太差了"


async def seed(sessions: db.SessionFactory, drafter, malicious: bool = True) -> int:
    """One store, one alerted complaint (review 1) with the analyzer's reading and the
    reply engine's draft for it: the alert's id."""
    async with sessions() as s, s.begin():
        s.add(Store(id="a", name="A店", created_at=NOW))
        await s.flush()
        s.add(Source(id=1, store_id="a", platform="meituan", account="x", consecutive_errors=0))
        await s.flush()
        review = Review(
            id=1, source_id=1, store_id="a", platform="meituan", account="x",
            external_id="e1", rating=1, text=TEXT, first_seen_at=NOW, last_seen_at=NOW,
            revision=1, content_hash="h", status="open", needs_processing=False,
        )  # fmt: skip
        s.add(review)
        await s.flush()
        row = Analysis(
            review_id=1, revision=1, model="m", sentiment=0.05, polarity="negative",
            negative=True, categories=[{"name": "service", "polarity": "negative"}],
            malicious=malicious, malicious_reasons=["extortion"] if malicious else [],
            severity="medium", created_at=NOW,
            details={"malicious_evidence": [{"reason": "extortion", "span": "必须退款",
                                             "facts": []}]} if malicious else {},
        )  # fmt: skip
        s.add(row)
        await s.flush()
        made = drafter.draft(actions.review_text(review), actions.analysis_result(row), PROFILE)
        draft = Draft(
            review_id=1, revision=1, text=made.text, status="proposed", created_at=NOW,
            created_by="system", **actions.draft_fields(made),
        )  # fmt: skip
        s.add(draft)
        await s.flush()
        alert = await create_alert(s, review, kind="malicious", now=NOW, deliver=False)
        return alert.id


async def clear(sessions, actor: Actor, drafter, at: datetime = NOW) -> actions.Outcome:
    async with sessions() as s, s.begin():
        return await actions.clear_malicious(s, 1, actor, at, drafter=drafter, profile=PROFILE)


async def appeal(sessions, actor: Actor, at: datetime = NOW) -> actions.Outcome:
    async with sessions() as s, s.begin():
        return await actions.mark_malicious(s, 1, actor, at)


async def test_staff_clear_a_flag_and_the_review_becomes_an_ordinary_complaint(sessions, drafter):
    alert = await seed(sessions, drafter)
    async with sessions() as s:
        before = await load_alert_view(s, alert)
        flagged_draft = await actions.current_draft(s, 1)
    assert before.malicious and before.required_role == "manager" and before.clearable
    assert flagged_draft is not None and flagged_draft.template_id == "malicious"

    outcome = await clear(sessions, STAFF, drafter)

    assert outcome.ok and outcome.changed
    assert outcome.message == "已确认不是恶意，这条评价按普通评价处理，草稿已换成普通回复。"
    async with sessions() as s:
        view = await load_alert_view(s, alert)
        stored = await s.scalar(select(Analysis))
        draft = await actions.current_draft(s, 1)
        (verdict,) = (await s.scalars(select(MaliceVerdict))).all()
        audited = await s.scalar(
            select(AuditEntry).where(AuditEntry.action == "review.malice_cleared")
        )
        case = await s.scalar(select(CustomerCase).where(CustomerCase.review_id == 1))
    # the card: no mark, no evidence, no manager lock, and who cleared it
    assert not view.malicious and view.malicious_reasons == [] and view.malicious_evidence == ()
    assert view.required_role == "staff" and not view.clearable
    assert (view.cleared_by, view.cleared_at) == ("小王", NOW)
    # the analysis is kept as the analyzer wrote it; the verdict says what it said
    assert stored.malicious and stored.malicious_reasons == ["extortion"]
    assert (verdict.verdict, verdict.actor, verdict.actor_name) == (
        "not_malicious",
        STAFF.id,
        "小王",
    )
    assert verdict.flagged and verdict.flag_reasons == ["extortion"] and verdict.text == TEXT
    assert audited is not None and audited.details["flagged"] is True
    # the next draft is an ordinary reply, and the complaint has its customer case
    assert draft is not None and draft.id != flagged_draft.id and draft.id == outcome.draft_id
    assert draft.template_id != "malicious" and draft.appeal is None
    assert case is not None and case.opened_by == STAFF.id
    # staff may now post it, as any ordinary complaint
    async with sessions() as s, s.begin():
        approved = await actions.approve(s, 1, STAFF, NOW, store=PROFILE, can_reply=False)
    assert approved.ok


async def test_clearing_keeps_a_colleagues_edit_in_progress(sessions, drafter):
    """A held edit was written against the draft on the card: it is not replaced under
    its author (the next 🔁 writes the ordinary reply)."""
    await seed(sessions, drafter)
    async with sessions() as s, s.begin():
        before = await actions.current_draft(s, 1)
        held = await actions.hold_edit(s, 1, MANAGER, NOW, text="各位朋友好，本店一直诚信经营。")
    outcome = await clear(sessions, STAFF, drafter)
    assert outcome.ok and outcome.message == "已确认不是恶意，这条评价按普通评价处理。"
    async with sessions() as s, s.begin():
        assert (await actions.current_draft(s, 1)).id == before.id
        await actions.drop_edit(s, held.id)  # the edit cancelled: 🔁 is an ordinary reply
        started = await actions.start_regenerate(s, 1, STAFF, NOW, drafter=drafter, profile=PROFILE)
    assert isinstance(started, actions.Regeneration) and not started.analysis.malicious
    assert started.variant.template_id != "malicious" and started.variant.appeal is None


async def test_clearing_twice_records_one_verdict(sessions, drafter):
    await seed(sessions, drafter)
    assert (await clear(sessions, STAFF, drafter)).ok
    again = await clear(sessions, MANAGER, drafter, NOW + timedelta(minutes=5))
    assert (again.ok, again.changed, again.code) == (False, False, "repeat")
    assert again.message == "小王 已于 12-07 10:00 确认这条评价不是恶意。"
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(MaliceVerdict)) == 1
        cleared = select(func.count()).where(AuditEntry.action == "review.malice_cleared")
        assert await s.scalar(cleared) == 1


async def test_a_review_nobody_flagged_has_nothing_to_clear(sessions, drafter):
    await seed(sessions, drafter, malicious=False)
    outcome = await clear(sessions, STAFF, drafter)
    assert (outcome.ok, outcome.code) == (False, "repeat") and "没有被标记为恶意" in outcome.message
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(MaliceVerdict)) == 0


async def test_once_a_manager_appealed_clearing_needs_a_manager_and_closes_the_appeal(
    sessions, drafter
):
    alert = await seed(sessions, drafter)
    assert (await appeal(sessions, MANAGER)).ok
    async with sessions() as s:
        assert await actions.appeal_sheet(s, 1) is not None
    with pytest.raises(NotAllowed, match="需要店长或以上权限"):
        await clear(sessions, STAFF, drafter)

    outcome = await clear(sessions, MANAGER, drafter, NOW + timedelta(hours=1))

    assert outcome.ok and "申诉任务已关闭" in outcome.message
    async with sessions() as s:
        task = await s.scalar(select(Task))
        review = await s.get(Review, 1)
        view = await load_alert_view(s, alert)
        rows = (await s.scalars(select(MaliceVerdict).order_by(MaliceVerdict.id))).all()
        sheet = await actions.appeal_sheet(s, 1)
    assert (task.status, task.closed_at) == ("closed", NOW + timedelta(hours=1))
    assert sheet is None  # the console shows no appeal to file any more
    assert review.status == "open" and not view.malicious
    assert [(r.verdict, r.actor_name) for r in rows] == [
        ("malicious", "老李"),
        ("not_malicious", "老李"),
    ]
    assert rows[0].reasons == ["extortion"] and rows[0].flagged


async def test_the_latest_verdict_wins(sessions, drafter):
    """A change of mind is a new row: cleared, then appealed after all, the flag holds
    again; the export keeps the review's latest word only."""
    alert = await seed(sessions, drafter)
    assert (await clear(sessions, STAFF, drafter)).ok
    assert (await appeal(sessions, MANAGER, NOW + timedelta(hours=2))).ok
    async with sessions() as s:
        view = await load_alert_view(s, alert)
        assert await s.scalar(select(func.count()).select_from(MaliceVerdict)) == 2
    assert view.malicious and view.required_role == "manager" and view.cleared_at is None
    rows, tally = await verdicts.export(sessions)
    assert [row["verdict"] for row in rows] == ["malicious"]
    assert (tally.cleared, tally.confirmed, tally.missed) == (0, 1, 0)


async def test_exported_verdicts_are_rows_of_the_malice_check_sets(sessions, drafter, tmp_path):
    """A cleared flag is an honest row (a false accusation), a confirmed or caught one
    carries its reasons; both read through the check sets' own reader."""
    await seed(sessions, drafter)
    assert (await clear(sessions, STAFF, drafter)).ok
    async with sessions() as s, s.begin():  # a second review, flagged by nobody, appealed
        s.add(
            Review(
                id=2, source_id=1, store_id="a", platform="meituan", account="x",
                external_id="e2", rating=1, text="隔壁店的饭更好吃，大家去隔壁", first_seen_at=NOW,
                last_seen_at=NOW, revision=1, content_hash="h2", status="open",
                needs_processing=False,
            )
        )  # fmt: skip
        await s.flush()
        await actions.mark_malicious(s, 2, MANAGER, NOW + timedelta(days=2))
    rows, tally = await verdicts.export(sessions)
    assert (tally.cleared, tally.confirmed, tally.missed) == (1, 0, 1)
    honest, missed = rows
    assert row_labels(honest) == ([], True) and honest["text"] == TEXT
    assert honest["analyzer"] == {"malicious": True, "reasons": ["extortion"]}
    assert row_labels(missed) == (["malicious"], False) and missed["by"] == "老李"
    later, _ = await verdicts.export(sessions, ["a"], NOW + timedelta(days=1))
    assert [row["review_id"] for row in later] == [2]
    assert await verdicts.export(sessions, ["other"]) == ([], verdicts.Tally())


@pytest.mark.one_database
async def test_the_export_command_writes_the_rows_and_says_what_they_count(
    sessions, drafter, database_url, tmp_path, capsys
):
    await seed(sessions, drafter)
    assert (await clear(sessions, STAFF, drafter)).ok
    config = tmp_path / "c.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[[stores]]\nid = "a"\nname = "A店"\n'
        '[[stores.sources]]\nplatform = "demo"\naccount = "x"\n',
        encoding="utf-8",
    )
    out = tmp_path / "verdicts.jsonl"
    command = ["verdicts", "export", "-c", str(config)]
    assert await asyncio.to_thread(cli_main, [*command, "--out", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row_labels(line) for line in lines] == [([], True)]
    assert "1 flags cleared (false accusations), 0 confirmed, 0 missed" in capsys.readouterr().err
    assert await asyncio.to_thread(cli_main, [*command, "--since", "2026-12-08"]) == 0
    assert capsys.readouterr().out == ""


SMALL = [
    Row("a", "给我两百块就删差评", 1, frozenset({"extortion"})),
    Row("a", "转我五百，评价马上改成五星", 1, frozenset({"extortion"})),
    Row("a", "菜里有头发，要求退款", 1, frozenset()),
    Row("b", "你们等着，我找人砸了你们的店", 1, frozenset({"threat"})),
    Row("b", "我知道老板住哪，晚上小心点", None, frozenset({"threat"})),
    Row("b", "已经向12315投诉了，吃完拉肚子", 1, frozenset()),
]


def test_the_malice_training_takes_exported_verdicts_as_extra_rows(tmp_path, monkeypatch):
    """`--extra FILE` adds the file's rows (one group) to what the reader learns from; the
    shipped model is written only where --out says."""
    extra = tmp_path / "verdicts.jsonl"
    rows = [
        {"id": "verdict-1", "text": "不退款我就天天来写差评，给我退钱", "rating": 1,
         "reason": "honest", "malicious": False},
        {"id": "verdict-2", "text": "给我三百块，差评马上删", "rating": 1,
         "reasons": ["extortion"], "malicious": True},
    ]  # fmt: skip
    extra.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    seen: list[Row] = []

    def rows_read(**kw) -> list[Row]:  # every row read; a few of them fitted (fast)
        seen.extend(all_rows(**kw))
        return [*SMALL, *(r for r in seen if r.group.startswith("extra:"))]

    monkeypatch.setattr(mt, "all_rows", rows_read)
    out, shipped = tmp_path / "model.bin", mt.DEFAULT_OUT.read_bytes()
    assert mt.main(["--out", str(out), "--extra", str(extra)]) == 0
    added = [r for r in seen if r.group == "extra:verdicts.jsonl"]
    assert [(r.text, r.labels) for r in added] == [
        (rows[0]["text"], frozenset()),
        (rows[1]["text"], frozenset({"extortion"})),
    ]
    assert out.exists() and mt.DEFAULT_OUT.read_bytes() == shipped


async def test_queries_that_pick_reviews_by_the_flag_honour_a_cleared_one(sessions, drafter):
    """verdicts.cleared_clause() is how SQL asks "did staff clear it": the thank-you
    batches, the demo's count of malicious reviews and the crisis tally read it, so a flag
    staff cleared keeps no review out of them; a later appeal puts it back."""
    await seed(sessions, drafter)
    query = select(Review.id).where(verdicts.cleared_clause())
    async with sessions() as s:
        assert (await s.scalars(query)).all() == []
    assert (await clear(sessions, STAFF, drafter)).ok
    async with sessions() as s:
        assert (await s.scalars(query)).all() == [1]
    assert (await appeal(sessions, MANAGER, NOW + timedelta(hours=1))).ok
    async with sessions() as s:
        assert (await s.scalars(query)).all() == []


def test_a_cleared_illness_claim_is_food_safety_again():
    """Mid-crisis, a food-safety claim pages the owner at once, unless it is under suspicion
    of malice; once staff cleared the flag it is a claim like any other."""
    from reviewbot.workflow.crisis import is_food_safety

    claim = Analysis(
        review_id=1, revision=1, model="m", sentiment=0.05, polarity="negative", negative=True,
        categories=[{"name": "hygiene", "polarity": "negative"}], malicious=True,
        malicious_reasons=["extortion"], severity="high", created_at=NOW,
    )  # fmt: skip
    assert not is_food_safety(claim)
    assert is_food_safety(claim, cleared=True)


def test_a_clearing_carries_to_a_new_revision_only_without_new_evidence():
    staff_saw = verdicts.Clearing(
        1, "菜里有头发，给我转200块我就把差评删了", ("extortion",), "小王"
    )
    same = ("extortion",), ["给我转200块我就把差评"]
    assert verdicts.carries(staff_saw, 1, ("threat",), ["找人"])  # the revision staff judged
    assert verdicts.carries(staff_saw, 2, *same)
    assert not verdicts.carries(staff_saw, 2, ("extortion",), ["给我转200块", "不转钱就天天差评"])
    assert not verdicts.carries(staff_saw, 2, ("extortion", "threat"), ["给我转200块我就把差评"])
    assert not verdicts.carries(staff_saw, 2, ("extortion",), ["转500"])
    assert (
        verdicts.added("菜很咸，退钱", "菜很咸，必须退钱\n追评：还没退") == "必须\n\n追评：还没退"
    )
    assert verdicts.added("一样的话", "一样的话") == ""


async def test_a_cleared_review_the_customer_adds_to_is_judged_on_what_was_added(
    database_url, demo, clock
):
    """Staff's 「不是恶意」 was given on the words they read. A follow-up that adds no
    malice keeps it (the system records it for the new revision, and it is no training
    label); a follow-up that adds a demand or a threat flags the review again."""
    from reviewbot.app.daemon import Daemon
    from reviewbot.chat.console import ConsoleNotifier
    from tests.conftest import make_settings

    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url),
        clock=clock,
        notifier=ConsoleNotifier(io.StringIO()),
    )

    async def poll() -> None:
        clock.advance(minutes=5)
        await daemon.poll_all_once()
        await daemon.drain()

    async def reading() -> tuple[int, actions.Reading | None]:
        async with daemon.sessions() as s:
            review = (await s.scalars(select(Review))).one()
            return review.revision, await actions.current_reading(s, review)

    await daemon.start(schedule=False)
    try:
        posted = demo.platform.add_review(
            "shop-1", "菜里有头发，给我转200块我就把差评删了", 1, anonymous=False
        )
        await poll()
        revision, first = await reading()
        assert revision == 1 and first is not None and first.malicious
        async with daemon.sessions() as s, s.begin():
            staff = Actor("telegram:5", "小王", {"store-1": "staff"})
            assert (await actions.clear_malicious(s, 1, staff, clock.now())).ok

        demo.platform.add_follow_up(posted.review_id, "后来店长打电话道歉了，态度还可以")
        await poll()
        revision, carried = await reading()
        assert revision == 2 and carried is not None
        assert carried.row.malicious and not carried.malicious  # the flag staff cleared
        assert carried.cleared is not None and carried.cleared.actor == verdicts.SYSTEM_ACTOR
        assert carried.cleared.actor_name == "系统（沿用小王的判断）"

        demo.platform.add_follow_up(posted.review_id, "不转钱我就天天来刷差评，找人一起来")
        await poll()
        revision, again = await reading()
        assert revision == 3 and again is not None and again.malicious and again.cleared is None
        rows, tally = await verdicts.export(daemon.sessions)
    finally:
        await daemon.stop()
        await daemon.close()
    # the export holds staff's own verdict on the words they read, not the carried one
    (row,) = rows
    assert row["by"] == "小王" and row["revision"] == 1 and "追评" not in row["text"]
    assert tally.cleared == 1
