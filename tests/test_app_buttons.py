"""The draft a ✅ carries on the chat apps' cards, read back from what a press returns: a
card drawn before buttons carried it (or a DingTalk template whose ✅ does not pass the
variable on) posts the current draft, as it always did."""

from __future__ import annotations

from reviewbot.chat.apps.buttons import shown_draft
from reviewbot.chat.wecom.cards import button_key, parse_key


def test_a_press_names_the_draft_it_was_shown_or_none() -> None:
    assert shown_draft("42") == shown_draft(42) == 42
    for nothing in (None, "", "  ", "${draft_id}", "-1", "4２", "9" * 12):
        assert shown_draft(nothing) is None, nothing


def test_a_wecom_key_carries_the_draft_and_an_old_key_still_parses() -> None:
    assert parse_key(button_key("approve", "tok_1-A", 42)) == ("approve", "tok_1-A", 42)
    assert parse_key(button_key("approve", "tok_1-A")) == ("approve", "tok_1-A", None)
    assert parse_key("approve@tok_1-A@x") == ("approve", "tok_1-A", None)
    assert parse_key("approve") is None
