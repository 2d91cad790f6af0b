"""Configuration: the example runs as-is, and every mistake is named with its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewbot.config import ConfigError, load_settings
from reviewbot.platforms.settings import DemoSource, JsonFeedSource

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = """
[[stores]]
id = "s1"
name = "小店"
[[stores.sources]]
platform = "demo"
account = "a1"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_config_loads_with_the_embedded_defaults():
    settings = load_settings(ROOT / "config.example.toml")
    assert settings.database.url == f"sqlite+aiosqlite:///{ROOT / 'reviewbot.db'}"
    assert settings.notifier.kind == "console"
    (store,) = settings.stores
    assert store.name == "老街坊川菜馆" and "水煮鱼" in store.facts.menu
    (source,) = store.sources
    assert isinstance(source, DemoSource) and source.poll_interval_seconds == 10


def test_defaults_fill_everything_but_the_stores(tmp_path):
    settings = load_settings(write(tmp_path, MINIMAL))
    assert settings.http.max_attempts == 4
    assert settings.database.url == f"sqlite+aiosqlite:///{tmp_path / 'reviewbot.db'}"


def test_a_missing_file_says_how_to_start(tmp_path):
    with pytest.raises(ConfigError, match=r"not found \(copy config.example.toml"):
        load_settings(tmp_path / "nope.toml")


def test_malformed_toml_says_where(tmp_path):
    with pytest.raises(ConfigError, match=r"malformed TOML: .*line 2"):
        load_settings(write(tmp_path, "[database]\nurl = \n"))


def test_an_unknown_key_is_named(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, MINIMAL + "\n[daemon]\npoll_intervall_seconds = 5\n"))
    assert "daemon.poll_intervall_seconds: unknown key" in str(error.value)


def test_a_wrong_type_is_named_with_the_value(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, MINIMAL + '\n[http]\ntimeout_seconds = "soon"\n'))
    assert "http.timeout_seconds" in str(error.value) and "'soon'" in str(error.value)


def test_a_missing_required_key_is_named(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings(
            write(
                tmp_path,
                '[[stores]]\nid = "s1"\n[[stores.sources]]\nplatform = "demo"\naccount = "a"\n',
            )
        )
    assert "stores.0.name: required key is missing" in str(error.value)


def test_an_unknown_platform_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"stores\.0\.sources\.0"):
        load_settings(write(tmp_path, MINIMAL.replace('"demo"', '"myspace"')))


def test_the_same_account_in_two_stores_is_refused(tmp_path):
    twice = MINIMAL + MINIMAL.replace('id = "s1"', 'id = "s2"')
    with pytest.raises(
        ConfigError, match="demo account 'a1' is configured in both store 's1' and store 's2'"
    ):
        load_settings(write(tmp_path, twice))


def test_a_sync_database_driver_gets_a_hint(tmp_path):
    with pytest.raises(ConfigError, match="use the async driver: postgresql\\+asyncpg"):
        load_settings(write(tmp_path, MINIMAL + '\n[database]\nurl = "postgresql://db/x"\n'))


JSONFEED = (
    MINIMAL
    + """
[[stores.sources]]
platform = "jsonfeed"
account = "feed"
url = "https://feed.example.com/reviews"
auth_header = "Authorization"
auth_secret_env = "FEED_TOKEN"
[stores.sources.fields]
id = "id"
"""
)


def test_secrets_come_from_the_environment(tmp_path, monkeypatch):
    settings = load_settings(write(tmp_path, JSONFEED))
    assert isinstance(settings.stores[0].sources[1], JsonFeedSource)
    monkeypatch.delenv("FEED_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="secret FEED_TOKEN is not set"):
        settings.secret("FEED_TOKEN")
    monkeypatch.setenv("FEED_TOKEN", "t0ken")
    assert settings.secret("FEED_TOKEN") == "t0ken"


def test_secrets_file_is_the_fallback_and_relative_to_the_config(tmp_path, monkeypatch):
    monkeypatch.delenv("FEED_TOKEN", raising=False)
    (tmp_path / "secrets.toml").write_text('FEED_TOKEN = "from-file"\n', encoding="utf-8")
    settings = load_settings(write(tmp_path, 'secrets_file = "secrets.toml"\n' + JSONFEED))
    assert settings.secret("FEED_TOKEN") == "from-file"
    monkeypatch.setenv("FEED_TOKEN", "from-env")
    assert settings.secret("FEED_TOKEN") == "from-env"


def test_jsonfeed_settings_must_be_consistent(tmp_path):
    half_auth = JSONFEED.replace('auth_secret_env = "FEED_TOKEN"\n', "")
    with pytest.raises(ConfigError, match="auth_header and auth_secret_env go together"):
        load_settings(write(tmp_path, half_auth))
    no_param = JSONFEED.replace("auth_header", 'next_cursor_path = "next"\nauth_header')
    with pytest.raises(ConfigError, match="cursor_param is required"):
        load_settings(write(tmp_path, no_param))


def test_the_digest_section_documents_its_defaults_and_checks_times(tmp_path):
    example = load_settings(ROOT / "config.example.toml").digest
    assert example == load_settings(write(tmp_path, MINIMAL)).digest
    assert (example.daily_at, example.weekly_on, example.weekly_at) == ("21:30", "mon", "09:00")
    with pytest.raises(ConfigError, match=r"digest\.daily_at"):
        load_settings(write(tmp_path, MINIMAL + '\n[digest]\ndaily_at = "25:00"\n'))
    with pytest.raises(ConfigError, match=r"digest\.weekly_on"):
        load_settings(write(tmp_path, MINIMAL + '\n[digest]\nweekly_on = "monday"\n'))


def test_replies_templates_dir_is_relative_to_the_config_and_must_exist(tmp_path):
    (tmp_path / "mine").mkdir()
    settings = load_settings(write(tmp_path, '[replies]\ntemplates_dir = "mine"\n' + MINIMAL))
    assert settings.replies.templates_dir == tmp_path / "mine"
    assert load_settings(write(tmp_path, MINIMAL)).replies.templates_dir is None
    with pytest.raises(ConfigError, match=r"replies.templates_dir: .*nope is not a directory"):
        load_settings(write(tmp_path, '[replies]\ntemplates_dir = "nope"\n' + MINIMAL))
