"""`reviewbot run` refuses to start blind: a source whose secret is not set stops it, every
missing variable named, unless the operator asks to run without it; and a store may have
no sources at all (its reviews come from `reviewbot import`)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reviewbot.app import cli
from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.config import ConfigError, load_settings
from reviewbot.store.health import source_health
from tests.conftest import make_settings

BROKEN = """
[database]
url = "sqlite+aiosqlite:///bot.db"
[[stores]]
id = "s"
name = "测试小馆"
[[stores.sources]]
platform = "eleme"
account = "shop-9"
app_key = "k"
app_secret_env = "RB_TEST_ELE_SECRET"
grant = "refresh_token"
refresh_token_env = "RB_TEST_ELE_REFRESH"
[[stores.sources]]
platform = "jsonfeed"
account = "feed"
url = "https://feed.example.com/reviews"
auth_header = "Authorization"
auth_secret_env = "RB_TEST_FEED_TOKEN"
[stores.sources.fields]
id = "id"
"""
SECRETS = ("RB_TEST_ELE_SECRET", "RB_TEST_ELE_REFRESH", "RB_TEST_FEED_TOKEN")


@pytest.fixture
def unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)


def test_a_missing_secret_stops_run_with_every_variable_named(tmp_path, capsys, unset):
    config = tmp_path / "c.toml"
    config.write_text(BROKEN, encoding="utf-8")
    result: dict[str, int] = {}  # in a thread: the old code ran on (blind) forever
    run = threading.Thread(target=lambda: result.update(code=cli.main(["run", "-c", str(config)])))
    run.start()
    run.join(30)
    err = capsys.readouterr().err
    assert result == {"code": 2}
    for name in SECRETS:
        assert name in err
    assert "--skip-broken-sources" in err
    assert not (tmp_path / "bot.db").exists()  # refused before opening anything


def test_a_secret_in_the_secrets_file_counts(tmp_path, monkeypatch, unset):
    (tmp_path / "s.toml").write_text('RB_TEST_ELE_SECRET = "x"\n', encoding="utf-8")
    monkeypatch.setenv("RB_TEST_FEED_TOKEN", "t")
    settings = load_settings(_write(tmp_path, 'secrets_file = "s.toml"\n' + BROKEN))
    ((store, source, names),) = settings.missing_secrets()
    assert (store, source.platform, names) == ("s", "eleme", ["RB_TEST_ELE_REFRESH"])


def test_only_the_meituan_gateway_in_use_needs_its_secrets(tmp_path, unset):
    text = BROKEN.split("[[stores.sources]]")[0] + (
        '[[stores.sources]]\nplatform = "meituan"\naccount = "m"\napp_id = "1"\n'
        'app_secret_env = "RB_TEST_FEED_TOKEN"\nsign_key_env = "RB_TEST_ELE_SECRET"\n'
    )
    ((_, _, names),) = load_settings(_write(tmp_path, text)).missing_secrets()
    assert names == ["RB_TEST_FEED_TOKEN"]  # legacy: the ng gateway's sign key is unused


async def test_skip_broken_sources_runs_the_rest_and_health_shows_it(
    database_url, demo, clock, unset, caplog
):
    sources = [
        {"platform": "demo", "account": "shop-1", "base_url": demo.base_url},
        {
            "platform": "jsonfeed",
            "account": "feed",
            "url": "https://feed.example.com/r",
            "auth_param": "key",
            "auth_secret_env": "RB_TEST_FEED_TOKEN",
            "fields": {"id": "id"},
        },
    ]
    settings = make_settings(database_url, sources=sources)
    with pytest.raises(ConfigError, match="RB_TEST_FEED_TOKEN"):
        await Daemon(settings, clock=clock, notifier=ConsoleNotifier()).start(schedule=False)

    daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(), skip_broken_sources=True)
    await daemon.start(schedule=False)
    try:
        assert [rs.settings.account for rs in daemon.sources.values()] == ["shop-1"]
        assert "NOT MONITORED" in caplog.text and "RB_TEST_FEED_TOKEN" in caplog.text
        health = {row["account"]: row for row in await source_health(daemon.sessions)}
        assert health["feed"]["state"] == "skipped"
        assert "RB_TEST_FEED_TOKEN" in health["feed"]["last_error"]
        assert health["shop-1"]["state"] == "new"
    finally:
        await daemon.stop()
        await daemon.close()


def test_a_store_without_sources_imports(tmp_path):
    config = _write(
        tmp_path,
        '[database]\nurl = "sqlite+aiosqlite:///bot.db"\n'
        '[[stores]]\nid = "only-imports"\nname = "只导入的小馆"\n',
    )
    assert load_settings(config).stores[0].sources == []
    export = tmp_path / "e.csv"
    export.write_text("评价内容,评分\n太咸了,1\n", encoding="utf-8")
    args = ["import", str(export), "--store", "only-imports", "--platform", "meituan"]
    assert cli.main([*args, "-c", str(config)]) == 0


async def test_a_daemon_with_no_sources_starts(database_url, clock):
    settings = make_settings(database_url, sources=[])
    daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier())
    await daemon.start(schedule=False)
    try:
        assert daemon.sources == {}
    finally:
        await daemon.stop()
        await daemon.close()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path
