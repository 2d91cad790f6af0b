"""The closed vocabularies (reviewbot/vocab.py): a word not listed there is refused when it
is written, and every audit action the code names is listed."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reviewbot.store import audit, outbox
from reviewbot.store.schema import Alert, Draft, OutboxMessage, Review
from reviewbot.vocab import AUDIT_ACTIONS, OUTBOX_KINDS

ROOT = Path(__file__).resolve().parents[1] / "reviewbot"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


async def test_an_unknown_audit_action_is_refused(sessions):
    async with sessions() as session, session.begin():
        with pytest.raises(ValueError, match="not an audit action"):
            audit.record(session, NOW, "draft.aproved")  # type: ignore[arg-type]
        audit.record(session, NOW, "draft.approved")


async def test_an_unknown_outbox_kind_is_refused(sessions):
    async with sessions() as session, session.begin():
        with pytest.raises(ValueError, match="not an outbox kind"):
            await outbox.enqueue(
                session,
                kind="alerts",  # type: ignore[arg-type]
                destination="chat:store-1",
                ref_id=1,
                dedupe_key="x",
                now=NOW,
            )


def _literal_actions() -> dict[str, str]:
    """Every string literal given to audit.record as its action, and where."""
    found = {}
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and len(node.args) >= 3
                and isinstance(node.args[2], ast.Constant)
            ):
                found[node.args[2].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_audit_action_in_the_code_is_in_the_vocabulary():
    actions = _literal_actions()
    assert len(actions) > 30  # the scan finds the calls
    unknown = {a: where for a, where in actions.items() if a not in AUDIT_ACTIONS}
    assert not unknown, unknown


def test_the_outbox_kinds_cover_what_the_deliverer_handles():
    assert {"alert", "alert_update", "notice", "reply"} <= OUTBOX_KINDS


@pytest.mark.parametrize(
    ("model", "field", "word"),
    [
        (Review, "status", "answered"),
        (Draft, "status", "aproved"),
        (Alert, "kind", "negative"),
        (Alert, "status", "skipped"),
        (OutboxMessage, "kind", "alerts"),
        (OutboxMessage, "status", "done"),
    ],
)
def test_a_row_refuses_a_word_outside_its_vocabulary(model, field, word):
    with pytest.raises(ValueError, match=r"reviewbot/vocab\.py"):
        model(**{field: word})


def test_a_row_takes_the_words_of_its_vocabulary():
    assert Review(status="replied_elsewhere").status == "replied_elsewhere"
    assert Alert(kind="requested", status="sent").kind == "requested"
