"""`reviewbot sources check` as a user runs it, against live fake platforms."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from tests.fakes import serve
from tests.fakes.eleme import ElemePlatform
from tests.fakes.google import GooglePlatform
from tests.harness.cli import reviewbot_here

ROOT = Path(__file__).resolve().parents[1]


def utcnow() -> datetime:
    return datetime.now(UTC)


async def reviewbot(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """The command through main() in a thread of this process (tests/harness/cli.py), while
    this event loop serves the fake platforms: no interpreter start (~1.5 s of CPU)."""
    done = await asyncio.wait_for(
        asyncio.to_thread(reviewbot_here, *args, cwd=ROOT, env=env), timeout=120
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


async def test_sources_check_reports_each_account(tmp_path):
    eleme = ElemePlatform(now=utcnow)
    eleme.add("好吃", 5)
    google = GooglePlatform(now=utcnow, refresh_tokens=set())  # the owner revoked access
    async with serve(eleme.app()) as ele_url, serve(google.app()) as g_url:
        config = tmp_path / "c.toml"
        config.write_text(
            f"""
[database]
url = "sqlite+aiosqlite:///bot.db"
[[stores]]
id = "s"
name = "店"
[[stores.sources]]
platform = "eleme"
account = "123456"
app_key = "appkey1"
app_secret_env = "ELE_SECRET"
base_url = "{ele_url}"
[[stores.sources]]
platform = "google"
account = "accounts/111/locations/222"
client_id = "client-1.apps.googleusercontent.com"
client_secret_env = "G_SECRET"
refresh_token_env = "G_REFRESH"
base_url = "{g_url}"
token_url = "{g_url}/token"
[[stores.sources]]
platform = "dianping"
open_shop_uuid = "abc"
app_key = "1"
app_secret_env = "DP_SECRET_NOT_SET"
session_env = "DP_SESSION_NOT_SET"
""",
            encoding="utf-8",
        )
        env = {"ELE_SECRET": "ele_secret", "G_SECRET": "g-secret", "G_REFRESH": "gone"}
        code, out, err = await reviewbot("sources", "check", "-c", str(config), env=env)

    assert code == 1, err[-2000:]
    lines = {line.split()[1]: line for line in out.splitlines()[1:]}
    assert " ok " in lines["eleme"] and "last 90 days only" in lines["eleme"]
    assert "needs_reauth" in lines["google"] and "invalid_grant" in lines["google"]
    assert "not_configured" in lines["dianping"] and "DP_SECRET_NOT_SET" in lines["dianping"]
    assert "ele_secret" not in out + err and "ele-token-1" not in out + err
    with sqlite3.connect(tmp_path / "bot.db") as db:
        stored = dict(db.execute("SELECT key, needs_reauth FROM platform_credentials").fetchall())
    assert stored["eleme:appkey1"] == 0  # the daemon will reuse the token the check obtained
    assert any(key.startswith("google:") and flag == 1 for key, flag in stored.items())
