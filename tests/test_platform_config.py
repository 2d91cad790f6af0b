"""The platform sections of the config: the documented examples validate, mistakes are named."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from reviewbot.sourceconfig import SourceSettings

ROOT = Path(__file__).resolve().parents[1]
SOURCES = TypeAdapter(SourceSettings)


def commented_examples() -> list[dict]:
    """The commented-out [[stores.sources]] blocks of config.example.toml, uncommented."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    examples = []
    for block in text.split("# [[stores.sources]]")[1:]:
        lines = []
        for line in block.splitlines()[1:]:
            if not line.startswith("#"):
                break
            if line.startswith("# [stores.sources."):  # a sub-table of the source
                lines.append("[" + line.split("[stores.sources.", 1)[1].split()[0])
            elif line.startswith("# ") and not line.startswith("# #") and "=" in line:
                lines.append(line[2:])
        examples.append(tomllib.loads("\n".join(lines)))
    return examples


def test_every_documented_platform_example_is_valid():
    platforms = [SOURCES.validate_python(data).platform for data in commented_examples()]
    assert platforms == ["jsonfeed", "meituan", "meituan", "eleme", "dianping", "google"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"platform": "meituan", "account": "a", "app_id": "1"}, "app_secret_env"),
        (
            {"platform": "meituan", "account": "a", "gateway": "ng", "developer_id": "1"},
            "app_auth_token_env",
        ),
        (
            {
                "platform": "meituan",
                "account": "a",
                "app_id": "1",
                "app_secret_env": "S",
                "backfill_days": 45,
            },
            "30 days",
        ),
        (
            {
                "platform": "meituan",
                "account": "a",
                "app_id": "1",
                "app_secret_env": "S",
                "page_size": 50,
            },
            "less than or equal to 20",
        ),
        (
            {
                "platform": "eleme",
                "account": "1",
                "app_key": "k",
                "app_secret_env": "S",
                "grant": "refresh_token",
            },
            "refresh_token_env",
        ),
        (
            {
                "platform": "google",
                "account": "mine",
                "client_id": "c",
                "client_secret_env": "S",
                "refresh_token_env": "R",
            },
            "location",
        ),
        (
            {"platform": "eleme", "account": "1", "app_key": "k", "app_secret_env": "not-an-env"},
            "pattern",
        ),
    ],
)
def test_incomplete_platform_settings_say_what_is_missing(data, message):
    with pytest.raises(ValidationError, match=message):
        SOURCES.validate_python(data)


def test_the_review_sets_of_a_dianping_shop_get_distinct_accounts():
    base = {
        "platform": "dianping",
        "open_shop_uuid": "abc",
        "app_key": "k",
        "app_secret_env": "S",
        "session_env": "T",
    }
    accounts = {
        SOURCES.validate_python({**base, "review_set": review_set}).account
        for review_set in ("dianping", "meituan")
    }
    assert accounts == {"abc/dianping", "abc/meituan"}
